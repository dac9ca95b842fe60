// AVX-512 kernels. For up to 128 factors the accumulator and the query vector
// live in zmm registers for a whole user's item list (one load per item row,
// masked tail lanes), which is what makes a fused CG pass cheaper than the
// BLAS-1 call per item that implicit makes. The fixed-size loops carry
// `#pragma GCC unroll` so the register arrays are scalarised, not spilled.
#include <immintrin.h>

#include "als/kernel_templates.hpp"
#include "simd/avx512_ops.hpp"

namespace pyrec::als::avx512 {
namespace {

using simd::avx512::tail_mask;

struct Isa {
    static constexpr const char* kName = "avx512";

    static float dot(const float* a, const float* b, int n) {
        __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps();
        int j = 0;
        for (; j + 32 <= n; j += 32) {
            s0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + j), _mm512_loadu_ps(b + j), s0);
            s1 = _mm512_fmadd_ps(_mm512_loadu_ps(a + j + 16), _mm512_loadu_ps(b + j + 16), s1);
        }
        for (; j + 16 <= n; j += 16) s0 = _mm512_fmadd_ps(_mm512_loadu_ps(a + j), _mm512_loadu_ps(b + j), s0);
        if (j < n) {
            const __mmask16 m = tail_mask(n - j);
            s1 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, a + j), _mm512_maskz_loadu_ps(m, b + j), s1);
        }
        return hsum(_mm512_add_ps(s0, s1));
    }

    static void axpy(float t, const float* x, float* y, int n) {
        const __m512 s = _mm512_set1_ps(t);
        int j = 0;
        for (; j + 16 <= n; j += 16)
            _mm512_storeu_ps(y + j, _mm512_fmadd_ps(s, _mm512_loadu_ps(x + j), _mm512_loadu_ps(y + j)));
        if (j < n) {
            const __mmask16 m = tail_mask(n - j);
            _mm512_mask_storeu_ps(y + j, m,
                                  _mm512_fmadd_ps(s, _mm512_maskz_loadu_ps(m, x + j), _mm512_maskz_loadu_ps(m, y + j)));
        }
    }

    using V = __m512;
    using Tail = __mmask16;
    static constexpr int kLanes = 16;
    static constexpr int kMaxChunks = 8;
    static constexpr int kScoreChunks = 8;
    static constexpr bool kHoldRows = true;  // 32 zmm registers: v and the item row fit

    static Tail tail(int count) { return tail_mask(count); }
    static V zero() { return _mm512_setzero_ps(); }
    static V set1(float x) { return _mm512_set1_ps(x); }
    static V load(const float* p) { return _mm512_loadu_ps(p); }
    static V load(const float* p, Tail t) { return _mm512_maskz_loadu_ps(t, p); }
    static V mul(V a, V b) { return _mm512_mul_ps(a, b); }
    static V fma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
    static float hsum(V v) { return simd::avx512::hsum(v); }
    static void store(float* p, V v) { _mm512_storeu_ps(p, v); }
    static void store(float* p, Tail t, V v) { _mm512_mask_storeu_ps(p, t, v); }
    static void prefetch(const char* p) { _mm_prefetch(p, _MM_HINT_T0); }
};

}  // namespace

const Kernels table = make_kernels<Isa>();

}  // namespace pyrec::als::avx512
