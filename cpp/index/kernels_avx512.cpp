// AVX-512 kernels (F/BW/VL + VNNI for int8). Tails use masked loads, which
// never touch memory past the end of a row.
// GCC 12's own AVX-512 headers trip -Wuninitialized on the _mm512_undefined
// placeholders of cvtph/reduce (GCC bug 105593); the warning is not about us.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include "index/kernels.hpp"
#include "index/tiling.hpp"

namespace pyrec::index::avx512 {
namespace {

// Rows per tile for one query: a single row, so memory is read strictly in
// order (interleaving rows measured up to 2x slower: it defeats the hardware
// prefetcher); out-of-order execution overlaps the per-row FMA chains.
constexpr int kRowsSingle = 1;
// Batches: 4 rows x 4 queries = 16 accumulators, 8 loads per 16 FMAs.
constexpr int kRowsBatch = 4;
constexpr int kQueriesBatch = 4;

inline __mmask16 tail_mask16(std::size_t n) { return static_cast<__mmask16>((1u << n) - 1u); }
inline __mmask64 tail_mask64(std::size_t n) { return _bzhi_u64(~0ull, static_cast<unsigned>(n)); }

struct LoadF32 {
    static __m512 full(const float* p) { return _mm512_loadu_ps(p); }
    static __m512 tail(const float* p, __mmask16 m) { return _mm512_maskz_loadu_ps(m, p); }
};

struct LoadF16 {
    static __m512 full(const std::uint16_t* p) {
        return _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
    }
    static __m512 tail(const std::uint16_t* p, __mmask16 m) { return _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(m, p)); }
};

template <class Load, int R, int Q, class Row>
inline void float_tile(const float* queries, const Row* rows, std::size_t dim, float* out, std::size_t out_stride) {
    __m512 acc[Q][R];
#pragma GCC unroll 16
    for (int q = 0; q < Q; ++q)
#pragma GCC unroll 16
        for (int r = 0; r < R; ++r) acc[q][r] = _mm512_setzero_ps();
    std::size_t i = 0;
    for (; i + 16 <= dim; i += 16) {
        __m512 x[R];
#pragma GCC unroll 16
        for (int r = 0; r < R; ++r) x[r] = Load::full(rows + r * dim + i);
#pragma GCC unroll 16
        for (int q = 0; q < Q; ++q) {
            const __m512 qv = _mm512_loadu_ps(queries + q * dim + i);
#pragma GCC unroll 16
            for (int r = 0; r < R; ++r) acc[q][r] = _mm512_fmadd_ps(qv, x[r], acc[q][r]);
        }
    }
    if (i < dim) {
        const __mmask16 m = tail_mask16(dim - i);
        __m512 x[R];
#pragma GCC unroll 16
        for (int r = 0; r < R; ++r) x[r] = Load::tail(rows + r * dim + i, m);
#pragma GCC unroll 16
        for (int q = 0; q < Q; ++q) {
            const __m512 qv = _mm512_maskz_loadu_ps(m, queries + q * dim + i);
#pragma GCC unroll 16
            for (int r = 0; r < R; ++r) acc[q][r] = _mm512_fmadd_ps(qv, x[r], acc[q][r]);
        }
    }
#pragma GCC unroll 16
    for (int q = 0; q < Q; ++q)
#pragma GCC unroll 16
        for (int r = 0; r < R; ++r) out[q * out_stride + r] = _mm512_reduce_add_ps(acc[q][r]);
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

// VNNI multiplies unsigned by signed bytes, so rows are flipped to u8
// (x + 128, an xor of the sign bit) and 128 * sum(query) is subtracted after.
// Masked-off tail lanes read as 0 and become 128 after the flip, but the
// matching query lanes are 0, so they add nothing.
template <int R, int Q>
inline void int8_tile(const std::int8_t* queries, const std::int32_t* query_sums, const std::int8_t* rows,
                      std::size_t dim, std::int32_t* out, std::size_t out_stride) {
    const __m512i flip = _mm512_set1_epi8(static_cast<char>(0x80));
    __m512i acc[Q][R];
#pragma GCC unroll 16
    for (int q = 0; q < Q; ++q)
#pragma GCC unroll 16
        for (int r = 0; r < R; ++r) acc[q][r] = _mm512_setzero_si512();
    std::size_t i = 0;
    for (; i + 64 <= dim; i += 64) {
        __m512i x[R];
#pragma GCC unroll 16
        for (int r = 0; r < R; ++r) x[r] = _mm512_xor_si512(_mm512_loadu_si512(rows + r * dim + i), flip);
#pragma GCC unroll 16
        for (int q = 0; q < Q; ++q) {
            const __m512i qv = _mm512_loadu_si512(queries + q * dim + i);
#pragma GCC unroll 16
            for (int r = 0; r < R; ++r) acc[q][r] = _mm512_dpbusd_epi32(acc[q][r], x[r], qv);
        }
    }
    if (i < dim) {
        const __mmask64 m = tail_mask64(dim - i);
        __m512i x[R];
#pragma GCC unroll 16
        for (int r = 0; r < R; ++r) x[r] = _mm512_xor_si512(_mm512_maskz_loadu_epi8(m, rows + r * dim + i), flip);
#pragma GCC unroll 16
        for (int q = 0; q < Q; ++q) {
            const __m512i qv = _mm512_maskz_loadu_epi8(m, queries + q * dim + i);
#pragma GCC unroll 16
            for (int r = 0; r < R; ++r) acc[q][r] = _mm512_dpbusd_epi32(acc[q][r], x[r], qv);
        }
    }
#pragma GCC unroll 16
    for (int q = 0; q < Q; ++q)
#pragma GCC unroll 16
        for (int r = 0; r < R; ++r)
            out[q * out_stride + r] = _mm512_reduce_add_epi32(acc[q][r]) - 128 * query_sums[q];
}

std::int32_t sum_codes(const std::int8_t* v, std::size_t dim) {
    std::int32_t s = 0;
    for (std::size_t i = 0; i < dim; ++i) s += v[i];
    return s;
}

void dot_i8(const std::int8_t* queries, std::size_t nq, const std::int8_t* rows, std::size_t nr,
            std::size_t dim, std::int32_t* out, std::size_t out_stride) {
    // Sums for one query tile at a time keep this free of heap allocation.
    constexpr std::size_t kChunk = 64;
    std::int32_t sums[kChunk];
    for (std::size_t q0 = 0; q0 < nq; q0 += kChunk) {
        const std::size_t nc = nq - q0 < kChunk ? nq - q0 : kChunk;
        for (std::size_t q = 0; q < nc; ++q) sums[q] = sum_codes(queries + (q0 + q) * dim, dim);
        auto tile = [&](auto rc, auto qc, std::size_t q, std::size_t r) {
            int8_tile<decltype(rc)::value, decltype(qc)::value>(queries + (q0 + q) * dim, sums + q, rows + r * dim,
                                                                 dim, out + (q0 + q) * out_stride + r, out_stride);
        };
        if (nc < kQueriesBatch)
            cover<kRowsSingle, 1>(nc, nr, tile);
        else
            cover<kRowsBatch, kQueriesBatch>(nc, nr, tile);
    }
}

void to_f16(const float* in, std::uint16_t* out, std::size_t n) {
    std::size_t i = 0;
    for (; i + 16 <= n; i += 16)
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i),
                            _mm512_cvtps_ph(_mm512_loadu_ps(in + i), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
    if (i < n) {
        const __mmask16 m = tail_mask16(n - i);
        _mm256_mask_storeu_epi16(out + i, m,
                                 _mm512_cvtps_ph(_mm512_maskz_loadu_ps(m, in + i),
                                                 _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
    }
}

void from_f16(const std::uint16_t* in, float* out, std::size_t n) {
    std::size_t i = 0;
    for (; i + 16 <= n; i += 16) _mm512_storeu_ps(out + i, LoadF16::full(in + i));
    if (i < n) {
        const __mmask16 m = tail_mask16(n - i);
        _mm512_mask_storeu_ps(out + i, m, LoadF16::tail(in + i, m));
    }
}

}  // namespace

const Kernels table = {dot_f32, dot_f16, dot_i8, to_f16, from_f16};

}  // namespace pyrec::index::avx512
