#include "index/kernels.hpp"
#include "simd/dispatch.hpp"

namespace pyrec::index {

const Kernels& active_kernels() {
    static constexpr simd::PerLevel<Kernels> kTables = {&scalar::table, PYREC_IF_ARM64(&neon::table),
                                                        PYREC_IF_X86(&avx2::table), PYREC_IF_X86(&avx512::table)};
    return simd::pick(kTables, simd::active_level());
}

}  // namespace pyrec::index
