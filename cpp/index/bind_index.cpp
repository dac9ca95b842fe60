#include "bindings.hpp"
namespace pyrec {
void bind_vector_index(pybind11::module_& m) {}
}  // namespace pyrec
