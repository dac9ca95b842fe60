// AVX-512 helpers shared by the kernel families' *_avx512.cpp files (and only
// them: they need -mavx512f/dq). Internal linkage, as in avx2_ops.hpp.
#pragma once
#include <immintrin.h>

#include <cstddef>

namespace pyrec::simd::avx512 {
namespace {

// Mask of the low n of 16 float lanes (n in 0..16).
inline __mmask16 tail_mask(std::size_t n) { return static_cast<__mmask16>((1u << n) - 1u); }

// Lane sum as a tree: (i, i+8), (i, i+4), (i, i+2), (i, i+1). Built from
// extracts: GCC 12's _mm512_reduce_add_ps and _mm512_castps512_ps256 trip
// false -Wmaybe-uninitialized warnings.
inline float hsum(__m512 v) {
    const __m256 h = _mm256_add_ps(_mm512_extractf32x8_ps(v, 0), _mm512_extractf32x8_ps(v, 1));
    const __m128 s = _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
    const __m128 p = _mm_add_ps(s, _mm_movehl_ps(s, s));
    return _mm_cvtss_f32(_mm_add_ss(p, _mm_movehdup_ps(p)));
}

}  // namespace
}  // namespace pyrec::simd::avx512
