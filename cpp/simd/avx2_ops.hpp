// AVX2 helpers shared by the kernel families' *_avx2.cpp files (and only
// them: they need -mavx2). Internal linkage, so each ISA file keeps its own
// copy, compiled with its own flags: nothing is shared at link time.
#pragma once
#include <immintrin.h>

#include <cstddef>

namespace pyrec::simd::avx2 {
namespace {

// Mask of the low n of 8 float lanes (n in 0..8), for vmaskmov loads and
// stores, which never fault on masked-off lanes.
inline __m256i tail_mask(std::size_t n) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(n)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

// Lane sum as a tree: (i, i+4), (i, i+2), (i, i+1). Every kernel that sums a
// vector uses this one order, which the bit-identical tests rely on.
inline float hsum(__m256 v) {
    const __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    const __m128 p = _mm_add_ps(s, _mm_movehl_ps(s, s));
    return _mm_cvtss_f32(_mm_add_ss(p, _mm_movehdup_ps(p)));
}

}  // namespace
}  // namespace pyrec::simd::avx2
