#include "als/kernels.hpp"
#include "simd/cpu.hpp"

namespace pyrec::als {

const Kernels& active_kernels() {
    switch (simd::active_level()) {
#if defined(PYREC_X86)
        case simd::Level::AVX512:
            return kernels_avx512();
        case simd::Level::AVX2:
            return kernels_avx2();
#endif
        default:
            // NEON has no dedicated ALS kernels yet; the portable loops vectorise for it.
            return kernels_scalar();
    }
}

}  // namespace pyrec::als
