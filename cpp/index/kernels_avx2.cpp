// AVX2 + FMA + F16C kernels. AVX2 has no byte/half masked loads, so f16 and
// i8 tails go through a small zero-padded stack buffer; f32 tails use
// vmaskmov, which never faults on masked-off lanes.
#include <immintrin.h>

#include <cstring>

#include "index/kernels.hpp"
#include "index/tiling.hpp"

namespace pyrec::index::avx2 {
namespace {

// One row at a time for a single query: strictly sequential reads (see
// kernels_avx512.cpp).
constexpr int kRowsSingle = 1;
// 16 ymm registers: 4 rows x 2 queries = 8 accumulators + 4 rows + 1 query.
constexpr int kRowsBatch = 4;
constexpr int kQueriesBatch = 2;

inline __m256i tail_mask(std::size_t n) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(n)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

inline float reduce(__m256 v) {
    const __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    const __m128 p = _mm_add_ps(s, _mm_movehl_ps(s, s));
    return _mm_cvtss_f32(_mm_add_ss(p, _mm_movehdup_ps(p)));
}

inline std::int32_t reduce(__m256i v) {
    const __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    const __m128i p = _mm_add_epi32(s, _mm_unpackhi_epi64(s, s));
    return _mm_cvtsi128_si32(_mm_add_epi32(p, _mm_shuffle_epi32(p, 1)));
}

struct LoadF32 {
    static __m256 full(const float* p) { return _mm256_loadu_ps(p); }
    static __m256 tail(const float* p, std::size_t n) { return _mm256_maskload_ps(p, tail_mask(n)); }
};

struct LoadF16 {
    static __m256 full(const std::uint16_t* p) {
        return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
    }
    static __m256 tail(const std::uint16_t* p, std::size_t n) {
        std::uint16_t buf[8] = {};
        std::memcpy(buf, p, n * sizeof(std::uint16_t));
        return full(buf);
    }
};

template <class Load, int R, int Q, class Row>
inline void float_tile(const float* queries, const Row* rows, std::size_t dim, float* out, std::size_t out_stride) {
    __m256 acc[Q][R];
#pragma GCC unroll 16
    for (int q = 0; q < Q; ++q)
#pragma GCC unroll 16
        for (int r = 0; r < R; ++r) acc[q][r] = _mm256_setzero_ps();
    std::size_t i = 0;
    for (; i + 8 <= dim; i += 8) {
        __m256 x[R];
#pragma GCC unroll 16
        for (int r = 0; r < R; ++r) x[r] = Load::full(rows + r * dim + i);
#pragma GCC unroll 16
        for (int q = 0; q < Q; ++q) {
            const __m256 qv = _mm256_loadu_ps(queries + q * dim + i);
#pragma GCC unroll 16
            for (int r = 0; r < R; ++r) acc[q][r] = _mm256_fmadd_ps(qv, x[r], acc[q][r]);
        }
    }
    if (i < dim) {
        const std::size_t n = dim - i;
        __m256 x[R];
#pragma GCC unroll 16
        for (int r = 0; r < R; ++r) x[r] = Load::tail(rows + r * dim + i, n);
#pragma GCC unroll 16
        for (int q = 0; q < Q; ++q) {
            const __m256 qv = LoadF32::tail(queries + q * dim + i, n);
#pragma GCC unroll 16
            for (int r = 0; r < R; ++r) acc[q][r] = _mm256_fmadd_ps(qv, x[r], acc[q][r]);
        }
    }
#pragma GCC unroll 16
    for (int q = 0; q < Q; ++q)
#pragma GCC unroll 16
        for (int r = 0; r < R; ++r) out[q * out_stride + r] = reduce(acc[q][r]);
}

template <class Load, class Row>
void float_dot(const float* queries, std::size_t nq, const Row* rows, std::size_t nr, std::size_t dim, float* out,
               std::size_t out_stride) {
    auto tile = [&](auto rc, auto qc, std::size_t q, std::size_t r) {
        float_tile<Load, decltype(rc)::value, decltype(qc)::value>(queries + q * dim, rows + r * dim, dim,
                                                                   out + q * out_stride + r, out_stride);
    };
    if (nq < kQueriesBatch)
        cover<kRowsSingle, 1>(nq, nr, tile);
    else
        cover<kRowsBatch, kQueriesBatch>(nq, nr, tile);
}

void dot_f32(const float* queries, std::size_t nq, const float* rows, std::size_t nr, std::size_t dim,
             float* out, std::size_t out_stride) {
    float_dot<LoadF32>(queries, nq, rows, nr, dim, out, out_stride);
}

void dot_f16(const float* queries, std::size_t nq, const std::uint16_t* rows, std::size_t nr,
             std::size_t dim, float* out, std::size_t out_stride) {
    float_dot<LoadF16>(queries, nq, rows, nr, dim, out, out_stride);
}

// 16 codes -> int16 -> pairwise multiply-add into int32 (exact, unlike
// maddubs, whose int16 sums can saturate).
inline __m256i widen16(const std::int8_t* p) {
    return _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}

inline __m256i widen16_tail(const std::int8_t* p, std::size_t n) {
    std::int8_t buf[16] = {};
    std::memcpy(buf, p, n);
    return widen16(buf);
}

template <int R, int Q>
inline void int8_tile(const std::int8_t* queries, const std::int8_t* rows, std::size_t dim, std::int32_t* out,
                      std::size_t out_stride) {
    __m256i acc[Q][R];
#pragma GCC unroll 16
    for (int q = 0; q < Q; ++q)
#pragma GCC unroll 16
        for (int r = 0; r < R; ++r) acc[q][r] = _mm256_setzero_si256();
    std::size_t i = 0;
    for (; i + 16 <= dim; i += 16) {
        __m256i x[R];
#pragma GCC unroll 16
        for (int r = 0; r < R; ++r) x[r] = widen16(rows + r * dim + i);
#pragma GCC unroll 16
        for (int q = 0; q < Q; ++q) {
            const __m256i qv = widen16(queries + q * dim + i);
#pragma GCC unroll 16
            for (int r = 0; r < R; ++r) acc[q][r] = _mm256_add_epi32(acc[q][r], _mm256_madd_epi16(qv, x[r]));
        }
    }
    if (i < dim) {
        const std::size_t n = dim - i;
        __m256i x[R];
#pragma GCC unroll 16
        for (int r = 0; r < R; ++r) x[r] = widen16_tail(rows + r * dim + i, n);
#pragma GCC unroll 16
        for (int q = 0; q < Q; ++q) {
            const __m256i qv = widen16_tail(queries + q * dim + i, n);
#pragma GCC unroll 16
            for (int r = 0; r < R; ++r) acc[q][r] = _mm256_add_epi32(acc[q][r], _mm256_madd_epi16(qv, x[r]));
        }
    }
#pragma GCC unroll 16
    for (int q = 0; q < Q; ++q)
#pragma GCC unroll 16
        for (int r = 0; r < R; ++r) out[q * out_stride + r] = reduce(acc[q][r]);
}

void dot_i8(const std::int8_t* queries, std::size_t nq, const std::int8_t* rows, std::size_t nr,
            std::size_t dim, std::int32_t* out, std::size_t out_stride) {
    auto tile = [&](auto rc, auto qc, std::size_t q, std::size_t r) {
        int8_tile<decltype(rc)::value, decltype(qc)::value>(queries + q * dim, rows + r * dim, dim,
                                                            out + q * out_stride + r, out_stride);
    };
    if (nq < kQueriesBatch)
        cover<kRowsSingle, 1>(nq, nr, tile);
    else
        cover<kRowsBatch, kQueriesBatch>(nq, nr, tile);
}

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
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(out + i, LoadF16::full(in + i));
    if (i < n) {
        float buf[8];
        _mm256_storeu_ps(buf, LoadF16::tail(in + i, n - i));
        std::memcpy(out + i, buf, (n - i) * sizeof(float));
    }
}

}  // namespace

const Kernels table = {dot_f32, dot_f16, dot_i8, to_f16, from_f16};

}  // namespace pyrec::index::avx2
