// Placeholder until the SIMD dispatcher lands (owned by the vector-index work).
#include "bindings.hpp"
namespace pyrec {
void bind_simd(pybind11::module_& m) { m.def("simd_level", [] { return std::string("scalar"); }); }
}  // namespace pyrec
