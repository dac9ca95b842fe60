#include "bindings.hpp"

#define PYREC_STRINGIFY(x) #x
#define PYREC_MACRO_STRINGIFY(x) PYREC_STRINGIFY(x)

PYBIND11_MODULE(_core, m) {
    m.doc() = "pyrec native core: SIMD top-k vector search, implicit ALS and process guards";
    pyrec::bind_simd(m);
    pyrec::bind_vector_index(m);
    pyrec::bind_als(m);
    pyrec::bind_sandbox(m);
    pyrec::bind_grids(m);
#ifdef PYREC_VERSION_INFO
    m.attr("__version__") = PYREC_MACRO_STRINGIFY(PYREC_VERSION_INFO);
#else
    m.attr("__version__") = "dev";
#endif
}
