// AVX2 + FMA kernels for CPUs without AVX-512. Up to 128 factors cg_apply's
// accumulator is a fixed-size register array (16 ymm registers: past ~96
// factors a few spill, still ~2x faster than the generic loop); each item row
// is read for the dot product and re-read (from L1) for the update.
#include <immintrin.h>

#include "als/kernel_templates.hpp"
#include "simd/avx2_ops.hpp"

namespace pyrec::als::avx2 {
namespace {

using simd::avx2::tail_mask;

struct Isa {
    static constexpr const char* kName = "avx2";

    static float dot(const float* a, const float* b, int n) {
        __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
        int j = 0;
        for (; j + 16 <= n; j += 16) {
            s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + j), _mm256_loadu_ps(b + j), s0);
            s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + j + 8), _mm256_loadu_ps(b + j + 8), s1);
        }
        for (; j + 8 <= n; j += 8) s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + j), _mm256_loadu_ps(b + j), s0);
        if (j < n) {
            const __m256i m = tail_mask(n - j);
            s1 = _mm256_fmadd_ps(_mm256_maskload_ps(a + j, m), _mm256_maskload_ps(b + j, m), s1);
        }
        return hsum(_mm256_add_ps(s0, s1));
    }

    static void axpy(float t, const float* x, float* y, int n) {
        const __m256 s = _mm256_set1_ps(t);
        int j = 0;
        for (; j + 8 <= n; j += 8)
            _mm256_storeu_ps(y + j, _mm256_fmadd_ps(s, _mm256_loadu_ps(x + j), _mm256_loadu_ps(y + j)));
        for (; j < n; ++j) y[j] += t * x[j];
    }

    using V = __m256;
    using Tail = __m256i;
    static constexpr int kLanes = 8;
    static constexpr int kMaxChunks = 16;
    static constexpr int kScoreChunks = 0;  // score_rows: one dot() per row
    static constexpr bool kHoldRows = false;

    static Tail tail(int count) { return tail_mask(count); }
    static V zero() { return _mm256_setzero_ps(); }
    static V set1(float x) { return _mm256_set1_ps(x); }
    static V load(const float* p) { return _mm256_loadu_ps(p); }
    static V load(const float* p, Tail t) { return _mm256_maskload_ps(p, t); }
    static V mul(V a, V b) { return _mm256_mul_ps(a, b); }
    static V fma(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
    static float hsum(V v) { return simd::avx2::hsum(v); }
    static void store(float* p, V v) { _mm256_storeu_ps(p, v); }
    static void store(float* p, Tail t, V v) { _mm256_maskstore_ps(p, t, v); }
    static void prefetch(const char* p) { _mm_prefetch(p, _MM_HINT_T0); }
};

}  // namespace

const Kernels table = make_kernels<Isa>();

}  // namespace pyrec::als::avx2
