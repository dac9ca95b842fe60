#include "index/dispatch.hpp"

namespace pyrec::index {

const Kernels& kernels_for(simd::Level level) {
    switch (level) {
#if defined(PYREC_X86)
        case simd::Level::AVX512: return avx512::table;
        case simd::Level::AVX2: return avx2::table;
#endif
#if defined(PYREC_ARM64)
        case simd::Level::NEON: return neon::table;
#endif
        default: return scalar::table;
    }
}

}  // namespace pyrec::index
