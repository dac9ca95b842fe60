#include "bindings.hpp"
namespace pyrec {
void bind_als(pybind11::module_& m) {}
}  // namespace pyrec
