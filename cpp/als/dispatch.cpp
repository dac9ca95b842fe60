#include "als/kernels.hpp"
#include "simd/dispatch.hpp"

namespace pyrec::als {

const Kernels& active_kernels() {
    static constexpr simd::PerLevel<Kernels> kTables = {&scalar::table, nullptr, PYREC_IF_X86(&avx2::table),
                                                        PYREC_IF_X86(&avx512::table)};
    return simd::pick(kTables, simd::active_level());
}

}  // namespace pyrec::als
