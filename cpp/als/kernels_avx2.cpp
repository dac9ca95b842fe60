// AVX2 + FMA kernels for CPUs without AVX-512. Up to 128 factors the
// accumulator is a fixed-size register array (16 ymm registers: past ~96
// factors a few spill, still ~2x faster than the generic loop); each item row
// is read for the dot product and re-read (from L1) for the update.
#include <immintrin.h>

#include "als/kernels.hpp"

namespace pyrec::als::avx2_isa {
namespace {

#include "als/dense_double.inl"

inline __m256i lanes(int count) {  // mask of the low `count` lanes, 0..8
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(count), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

inline float hsum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

float dot(const float* a, const float* b, int n) {
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
    int j = 0;
    for (; j + 16 <= n; j += 16) {
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + j), _mm256_loadu_ps(b + j), s0);
        s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + j + 8), _mm256_loadu_ps(b + j + 8), s1);
    }
    for (; j + 8 <= n; j += 8) s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + j), _mm256_loadu_ps(b + j), s0);
    if (j < n) {
        const __m256i m = lanes(n - j);
        s1 = _mm256_fmadd_ps(_mm256_maskload_ps(a + j, m), _mm256_maskload_ps(b + j, m), s1);
    }
    return hsum(_mm256_add_ps(s0, s1));
}

void axpy(float t, const float* x, float* y, int n) {
    const __m256 s = _mm256_set1_ps(t);
    int j = 0;
    for (; j + 8 <= n; j += 8)
        _mm256_storeu_ps(y + j, _mm256_fmadd_ps(s, _mm256_loadu_ps(x + j), _mm256_loadu_ps(y + j)));
    for (; j < n; ++j) y[j] += t * x[j];
}

template <int NV>
inline __m256 load_chunk(const float* p, int q, __m256i last) {
    return q < NV - 1 ? _mm256_loadu_ps(p + 8 * q) : _mm256_maskload_ps(p + 8 * q, last);
}

constexpr int64_t kPrefetchAhead = 8;

template <int NV>
void cg_apply_fixed(const float* G, float gscale, const float* Y, const int32_t* rows, const float* a,
                    const float* b, int64_t m, const float* v, float* out, int n) {
    const __m256i last = lanes(n - 8 * (NV - 1));
    __m256 acc[NV];
    #pragma GCC unroll 16
    for (int q = 0; q < NV; ++q) acc[q] = _mm256_setzero_ps();
    for (int j = 0; j < n; ++j) {
        const __m256 s = _mm256_set1_ps(gscale * v[j]);
        const float* g = G + static_cast<int64_t>(j) * n;
        #pragma GCC unroll 16
        for (int q = 0; q < NV; ++q) acc[q] = _mm256_fmadd_ps(s, load_chunk<NV>(g, q, last), acc[q]);
    }
    for (int64_t k = 0; k < m; ++k) {
        if (k + kPrefetchAhead < m) {  // item rows are scattered: fetch them ahead of use
            const char* ahead = reinterpret_cast<const char*>(Y + static_cast<int64_t>(rows[k + kPrefetchAhead]) * n);
            for (int off = 0; off < 4 * n; off += 64) _mm_prefetch(ahead + off, _MM_HINT_T0);
            _mm_prefetch(ahead + 4 * n - 1, _MM_HINT_T0);  // a row need not start on a cache line
        }
        const float* y = Y + static_cast<int64_t>(rows[k]) * n;
        __m256 d = _mm256_mul_ps(load_chunk<NV>(y, 0, last), load_chunk<NV>(v, 0, last));
        #pragma GCC unroll 16
        for (int q = 1; q < NV; ++q)
            d = _mm256_fmadd_ps(load_chunk<NV>(y, q, last), load_chunk<NV>(v, q, last), d);
        const __m256 st = _mm256_set1_ps((a ? a[k] : 0.0f) + b[k] * hsum(d));
        #pragma GCC unroll 16
        for (int q = 0; q < NV; ++q) acc[q] = _mm256_fmadd_ps(st, load_chunk<NV>(y, q, last), acc[q]);
    }
    #pragma GCC unroll 16
    for (int q = 0; q < NV - 1; ++q) _mm256_storeu_ps(out + 8 * q, acc[q]);
    _mm256_maskstore_ps(out + 8 * (NV - 1), last, acc[NV - 1]);
}

void cg_apply_any(const float* G, float gscale, const float* Y, const int32_t* rows, const float* a,
                  const float* b, int64_t m, const float* v, float* out, int n) {
    for (int c = 0; c < n; ++c) out[c] = 0.0f;
    for (int j = 0; j < n; ++j) axpy(gscale * v[j], G + static_cast<int64_t>(j) * n, out, n);
    for (int64_t k = 0; k < m; ++k) {
        const float* y = Y + static_cast<int64_t>(rows[k]) * n;
        axpy((a ? a[k] : 0.0f) + b[k] * dot(y, v, n), y, out, n);
    }
}

void cg_apply(const float* G, float gscale, const float* Y, const int32_t* rows, const float* a,
              const float* b, int64_t m, const float* v, float* out, int n) {
    switch ((n + 7) / 8) {
        case 1: return cg_apply_fixed<1>(G, gscale, Y, rows, a, b, m, v, out, n);
        case 2: return cg_apply_fixed<2>(G, gscale, Y, rows, a, b, m, v, out, n);
        case 3: return cg_apply_fixed<3>(G, gscale, Y, rows, a, b, m, v, out, n);
        case 4: return cg_apply_fixed<4>(G, gscale, Y, rows, a, b, m, v, out, n);
        case 5: return cg_apply_fixed<5>(G, gscale, Y, rows, a, b, m, v, out, n);
        case 6: return cg_apply_fixed<6>(G, gscale, Y, rows, a, b, m, v, out, n);
        case 7: return cg_apply_fixed<7>(G, gscale, Y, rows, a, b, m, v, out, n);
        case 8: return cg_apply_fixed<8>(G, gscale, Y, rows, a, b, m, v, out, n);
        case 9: return cg_apply_fixed<9>(G, gscale, Y, rows, a, b, m, v, out, n);
        case 10: return cg_apply_fixed<10>(G, gscale, Y, rows, a, b, m, v, out, n);
        case 11: return cg_apply_fixed<11>(G, gscale, Y, rows, a, b, m, v, out, n);
        case 12: return cg_apply_fixed<12>(G, gscale, Y, rows, a, b, m, v, out, n);
        case 13: return cg_apply_fixed<13>(G, gscale, Y, rows, a, b, m, v, out, n);
        case 14: return cg_apply_fixed<14>(G, gscale, Y, rows, a, b, m, v, out, n);
        case 15: return cg_apply_fixed<15>(G, gscale, Y, rows, a, b, m, v, out, n);
        case 16: return cg_apply_fixed<16>(G, gscale, Y, rows, a, b, m, v, out, n);
        default: return cg_apply_any(G, gscale, Y, rows, a, b, m, v, out, n);
    }
}

void score_rows(const float* q, const float* Y, int64_t count, int n, float* scores) {
    for (int64_t i = 0; i < count; ++i) scores[i] = dot(q, Y + i * n, n);
}

const Kernels table = {
    "avx2", dot, cg_apply, score_rows, rank_update_impl, cholesky_solve_impl,
};

}  // namespace
}  // namespace pyrec::als::avx2_isa

namespace pyrec::als {
const Kernels& kernels_avx2() { return avx2_isa::table; }
}  // namespace pyrec::als
