#include <pybind11/stl.h>

#include "bindings.hpp"
#include "simd/cpu.hpp"

namespace py = pybind11;

namespace pyrec {
void bind_simd(py::module_& m) {
    m.def("simd_level", [] { return simd::level_name(simd::active_level()); },
          "SIMD instruction set the kernels use now.");
    m.def("detected_simd_level", [] { return simd::level_name(simd::detected_level()); },
          "Best SIMD instruction set this CPU and build support.");
    m.def("available_simd_levels", &simd::available_levels);
    m.def("force_simd_level", [](const std::string& name) {
        try {
            simd::force_level(name);
        } catch (const std::invalid_argument& e) {
            throw py::value_error(e.what());
        }
    }, py::arg("name"), "Force a SIMD level ('' restores detection); for tests.");
}
}  // namespace pyrec
