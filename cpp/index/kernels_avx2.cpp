// AVX2 + FMA + F16C kernels. AVX2 has no byte/half masked loads, so f16 and
// i8 tails go through a small zero-padded stack buffer; f32 tails use
// vmaskmov, which never faults on masked-off lanes.
#include <immintrin.h>

#include <cstring>

#include "index/kernels.hpp"
#include "index/tiling.hpp"
#include "simd/avx2_ops.hpp"

namespace pyrec::index::avx2 {
namespace {

// 16 codes -> int16, for pairwise multiply-add into int32 (exact, unlike
// maddubs, whose int16 sums can saturate).
inline __m256i widen16(const std::int8_t* p) {
    return _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}

inline __m256i widen16(const std::int8_t* p, std::size_t n) {
    std::int8_t buf[16] = {};
    std::memcpy(buf, p, n);
    return widen16(buf);
}

struct Isa {
    using V = __m256;
    using I = __m256i;
    using B = __m256i;
    using FTail = std::size_t;
    using ITail = std::size_t;
    static constexpr std::size_t kLanes = 8;
    static constexpr std::size_t kCodes = 16;
    // One row at a time for a single query: strictly sequential reads (see
    // kernels_avx512.cpp).
    static constexpr int kRowsSingle = 1;
    // A few queries: one row at a time (see kernels_avx512.cpp) against 4.
    static constexpr int kRowsStream = 1;
    static constexpr int kQueriesStream = 4;
    static constexpr int kStreamBelow = 8;
    // 16 ymm registers: 4 rows x 2 queries = 8 accumulators + 4 rows + 1 query.
    static constexpr int kRowsBatch = 4;
    static constexpr int kQueriesBatch = 2;
    static constexpr std::int32_t kCodeBias = 0;

    static FTail ftail(std::size_t n) { return n; }
    static ITail itail(std::size_t n) { return n; }

    static V zero() { return _mm256_setzero_ps(); }
    static V load(const float* p) { return _mm256_loadu_ps(p); }
    static V load(const float* p, FTail n) { return _mm256_maskload_ps(p, simd::avx2::tail_mask(n)); }
    static V load(const std::uint16_t* p) {
        return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
    }
    static V load(const std::uint16_t* p, FTail n) {
        std::uint16_t buf[8] = {};
        std::memcpy(buf, p, n * sizeof(std::uint16_t));
        return load(buf);
    }
    static V fma(V acc, V q, V x) { return _mm256_fmadd_ps(q, x, acc); }

    static I izero() { return _mm256_setzero_si256(); }
    static B row_codes(const std::int8_t* p) { return widen16(p); }
    static B row_codes(const std::int8_t* p, ITail n) { return widen16(p, n); }
    static B query_codes(const std::int8_t* p) { return widen16(p); }
    static B query_codes(const std::int8_t* p, ITail n) { return widen16(p, n); }
    static I mac(I acc, B q, B x) { return _mm256_add_epi32(acc, _mm256_madd_epi16(q, x)); }

    // Lane sums in simd::avx2::hsum's tree; reduce4 does the same additions
    // for four accumulators at once.
    static float reduce1(V v) { return simd::avx2::hsum(v); }
    static void reduce4(const V* a, float* out) {
        // [a | b] and [c | d] with lanes (i, i+4) added.
        const __m256 ab = _mm256_add_ps(_mm256_permute2f128_ps(a[0], a[1], 0x20), _mm256_permute2f128_ps(a[0], a[1], 0x31));
        const __m256 cd = _mm256_add_ps(_mm256_permute2f128_ps(a[2], a[3], 0x20), _mm256_permute2f128_ps(a[2], a[3], 0x31));
        // (i, i+2): [a0 a1 c0 c1 | b0 b1 d0 d1]; then (i, i+1): [a c a c | b d b d].
        const __m256 pairs = _mm256_add_ps(_mm256_shuffle_ps(ab, cd, _MM_SHUFFLE(1, 0, 1, 0)),
                                           _mm256_shuffle_ps(ab, cd, _MM_SHUFFLE(3, 2, 3, 2)));
        const __m256 sums = _mm256_hadd_ps(pairs, pairs);
        _mm_storeu_ps(out, _mm256_castps256_ps128(_mm256_permutevar8x32_ps(sums, _mm256_setr_epi32(0, 4, 1, 5, 0, 0, 0, 0))));
    }
    // Integer sums are exact in any order.
    static std::int32_t reduce1(I v) {
        const __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
        const __m128i p = _mm_add_epi32(s, _mm_unpackhi_epi64(s, s));
        return _mm_cvtsi128_si32(_mm_add_epi32(p, _mm_shuffle_epi32(p, 1)));
    }
    static void reduce4(const I* a, std::int32_t* out) {
        const __m256i ab = _mm256_hadd_epi32(a[0], a[1]);  // [a a b b | a a b b]
        const __m256i cd = _mm256_hadd_epi32(a[2], a[3]);
        const __m256i s = _mm256_hadd_epi32(ab, cd);  // [a b c d | a b c d]
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out),
                         _mm_add_epi32(_mm256_castsi256_si128(s), _mm256_extracti128_si256(s, 1)));
    }
};

void to_f16(const float* in, std::uint16_t* out, std::size_t n) {
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i),
                         _mm256_cvtps_ph(_mm256_loadu_ps(in + i), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
    if (i < n) {
        float fbuf[8] = {};
        std::uint16_t hbuf[8];
        std::memcpy(fbuf, in + i, (n - i) * sizeof(float));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(hbuf),
                         _mm256_cvtps_ph(_mm256_loadu_ps(fbuf), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
        std::memcpy(out + i, hbuf, (n - i) * sizeof(std::uint16_t));
    }
}

void from_f16(const std::uint16_t* in, float* out, std::size_t n) {
    std::size_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(out + i, Isa::load(in + i));
    if (i < n) {
        float buf[8];
        _mm256_storeu_ps(buf, Isa::load(in + i, n - i));
        std::memcpy(out + i, buf, (n - i) * sizeof(float));
    }
}

}  // namespace

const Kernels table = {Dot<Isa>::f32, Dot<Isa>::f16, Dot<Isa>::i8, to_f16, from_f16};

}  // namespace pyrec::index::avx2
