// AVX-512 kernels. For up to 128 factors the accumulator and the query vector
// live in zmm registers for a whole user's item list (one load per item row,
// masked tail lanes), which is what makes a fused CG pass cheaper than the
// BLAS-1 call per item that implicit makes. The fixed-size loops carry
// `#pragma GCC unroll` so the register arrays are scalarised, not spilled.
#include <immintrin.h>

#include "als/kernels.hpp"

namespace pyrec::als::avx512_isa {
namespace {

#include "als/dense_double.inl"

inline __mmask16 lanes(int count) {  // low `count` lanes set, 1..16
    return static_cast<__mmask16>((1u << count) - 1u);
}

// Horizontal sum, built from extracts: GCC 12's _mm512_reduce_add_ps and
// _mm512_castps512_ps256 trip false -Wmaybe-uninitialized warnings.
inline float hsum(__m512 v) {
    const __m256 h = _mm256_add_ps(_mm512_extractf32x8_ps(v, 0), _mm512_extractf32x8_ps(v, 1));
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

float dot(const float* a, const float* b, int n) {
    __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps();
    int j = 0;
    for (; j + 32 <= n; j += 32) {
        s0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + j), _mm512_loadu_ps(b + j), s0);
        s1 = _mm512_fmadd_ps(_mm512_loadu_ps(a + j + 16), _mm512_loadu_ps(b + j + 16), s1);
    }
    for (; j + 16 <= n; j += 16) s0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + j), _mm512_loadu_ps(b + j), s0);
    if (j < n) {
        const __mmask16 m = lanes(n - j);
        s1 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, a + j), _mm512_maskz_loadu_ps(m, b + j), s1);
    }
    return hsum(_mm512_add_ps(s0, s1));
}

void axpy(float t, const float* x, float* y, int n) {
    const __m512 s = _mm512_set1_ps(t);
    int j = 0;
    for (; j + 16 <= n; j += 16)
        _mm512_storeu_ps(y + j, _mm512_fmadd_ps(s, _mm512_loadu_ps(x + j), _mm512_loadu_ps(y + j)));
    if (j < n) {
        const __mmask16 m = lanes(n - j);
        _mm512_mask_storeu_ps(y + j, m,
                              _mm512_fmadd_ps(s, _mm512_maskz_loadu_ps(m, x + j), _mm512_maskz_loadu_ps(m, y + j)));
    }
}

// Loads the n floats at p into NV registers; lanes past n are zero.
template <int NV>
inline void load_row(const float* p, __mmask16 last, __m512* r) {
    #pragma GCC unroll 8
    for (int q = 0; q < NV - 1; ++q) r[q] = _mm512_loadu_ps(p + 16 * q);
    r[NV - 1] = _mm512_maskz_loadu_ps(last, p + 16 * (NV - 1));
}

constexpr int64_t kPrefetchAhead = 8;

template <int NV>
void cg_apply_fixed(const float* G, float gscale, const float* Y, const int32_t* rows, const float* a,
                    const float* b, int64_t m, const float* v, float* out, int n) {
    const __mmask16 last = lanes(n - 16 * (NV - 1));
    __m512 vv[NV], acc[NV], yy[NV];
    load_row<NV>(v, last, vv);
    #pragma GCC unroll 8
    for (int q = 0; q < NV; ++q) acc[q] = _mm512_setzero_ps();
    for (int j = 0; j < n; ++j) {
        const __m512 s = _mm512_set1_ps(gscale * v[j]);
        load_row<NV>(G + static_cast<int64_t>(j) * n, last, yy);
        #pragma GCC unroll 8
        for (int q = 0; q < NV; ++q) acc[q] = _mm512_fmadd_ps(s, yy[q], acc[q]);
    }
    for (int64_t k = 0; k < m; ++k) {
        if (k + kPrefetchAhead < m) {  // item rows are scattered: fetch them ahead of use
            const char* ahead = reinterpret_cast<const char*>(Y + static_cast<int64_t>(rows[k + kPrefetchAhead]) * n);
            #pragma GCC unroll 8
            for (int q = 0; q < NV; ++q) _mm_prefetch(ahead + 64 * q, _MM_HINT_T0);
            _mm_prefetch(ahead + 4 * n - 1, _MM_HINT_T0);  // a row need not start on a cache line
        }
        load_row<NV>(Y + static_cast<int64_t>(rows[k]) * n, last, yy);
        __m512 d = _mm512_mul_ps(yy[0], vv[0]);
        #pragma GCC unroll 8
        for (int q = 1; q < NV; ++q) d = _mm512_fmadd_ps(yy[q], vv[q], d);
        const float t = (a ? a[k] : 0.0f) + b[k] * hsum(d);
        const __m512 st = _mm512_set1_ps(t);
        #pragma GCC unroll 8
        for (int q = 0; q < NV; ++q) acc[q] = _mm512_fmadd_ps(st, yy[q], acc[q]);
    }
    #pragma GCC unroll 8
    for (int q = 0; q < NV - 1; ++q) _mm512_storeu_ps(out + 16 * q, acc[q]);
    _mm512_mask_storeu_ps(out + 16 * (NV - 1), last, acc[NV - 1]);
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
    switch ((n + 15) / 16) {
        case 1: return cg_apply_fixed<1>(G, gscale, Y, rows, a, b, m, v, out, n);
        case 2: return cg_apply_fixed<2>(G, gscale, Y, rows, a, b, m, v, out, n);
        case 3: return cg_apply_fixed<3>(G, gscale, Y, rows, a, b, m, v, out, n);
        case 4: return cg_apply_fixed<4>(G, gscale, Y, rows, a, b, m, v, out, n);
        case 5: return cg_apply_fixed<5>(G, gscale, Y, rows, a, b, m, v, out, n);
        case 6: return cg_apply_fixed<6>(G, gscale, Y, rows, a, b, m, v, out, n);
        case 7: return cg_apply_fixed<7>(G, gscale, Y, rows, a, b, m, v, out, n);
        case 8: return cg_apply_fixed<8>(G, gscale, Y, rows, a, b, m, v, out, n);
        default: return cg_apply_any(G, gscale, Y, rows, a, b, m, v, out, n);
    }
}

template <int NV>
void score_rows_fixed(const float* q, const float* Y, int64_t count, int n, float* scores) {
    const __mmask16 last = lanes(n - 16 * (NV - 1));
    __m512 qq[NV], yy[NV];
    load_row<NV>(q, last, qq);
    for (int64_t i = 0; i < count; ++i) {
        load_row<NV>(Y + i * n, last, yy);
        __m512 d = _mm512_mul_ps(yy[0], qq[0]);
        #pragma GCC unroll 8
        for (int r = 1; r < NV; ++r) d = _mm512_fmadd_ps(yy[r], qq[r], d);
        scores[i] = hsum(d);
    }
}

void score_rows(const float* q, const float* Y, int64_t count, int n, float* scores) {
    switch ((n + 15) / 16) {
        case 1: return score_rows_fixed<1>(q, Y, count, n, scores);
        case 2: return score_rows_fixed<2>(q, Y, count, n, scores);
        case 3: return score_rows_fixed<3>(q, Y, count, n, scores);
        case 4: return score_rows_fixed<4>(q, Y, count, n, scores);
        case 5: return score_rows_fixed<5>(q, Y, count, n, scores);
        case 6: return score_rows_fixed<6>(q, Y, count, n, scores);
        case 7: return score_rows_fixed<7>(q, Y, count, n, scores);
        case 8: return score_rows_fixed<8>(q, Y, count, n, scores);
        default:
            for (int64_t i = 0; i < count; ++i) scores[i] = dot(q, Y + i * n, n);
    }
}

const Kernels table = {
    "avx512", dot, cg_apply, score_rows, rank_update_impl, cholesky_solve_impl,
};

}  // namespace
}  // namespace pyrec::als::avx512_isa

namespace pyrec::als {
const Kernels& kernels_avx512() { return avx512_isa::table; }
}  // namespace pyrec::als
