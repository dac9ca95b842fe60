#include <pybind11/stl.h>

#include "bindings.hpp"
#include "sandbox/sandbox.hpp"

namespace py = pybind11;

namespace pyrec {
void bind_sandbox(py::module_& m) {
    m.def("deny_network", [] {
        sandbox::GuardStatus status = sandbox::deny_network();
        return py::make_tuple(status.active, status.mechanism, status.detail);
    }, "Refuse socket() for every address family but AF_UNIX/AF_NETLINK in this process and its children "
       "(seccomp, Linux; one-way). Returns (active, mechanism, reason when inactive).");
    m.def("network_denied", &sandbox::network_denied, "Whether deny_network() succeeded in this process.");
    m.def("die_with_parent", &sandbox::die_with_parent, py::arg("signal"),
          "Have the kernel send `signal` to this process when its parent dies (Linux PR_SET_PDEATHSIG). "
          "False where unsupported.");
}
}  // namespace pyrec
