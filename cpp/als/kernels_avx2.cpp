// AVX2 + FMA kernels for CPUs without AVX-512. Up to 128 factors cg_apply's
// accumulator is a fixed-size register array (16 ymm registers: past ~96
// factors a few spill, still ~2x faster than the generic loop); each item row
// is read for the dot product and re-read (from L1) for the update.
#include <immintrin.h>

#include "als/kernel_templates.hpp"

namespace pyrec::als::avx2_isa {
namespace {

inline __m256i lanes(int count) {  // mask of the low `count` lanes, 0..8
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(count), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

inline float hsum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

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
            const __m256i m = lanes(n - j);
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

    static Tail tail(int count) { return lanes(count); }
    static V zero() { return _mm256_setzero_ps(); }
    static V set1(float x) { return _mm256_set1_ps(x); }
    static V load(const float* p) { return _mm256_loadu_ps(p); }
    static V load(const float* p, Tail t) { return _mm256_maskload_ps(p, t); }
    static V mul(V a, V b) { return _mm256_mul_ps(a, b); }
    static V fma(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
    static float hsum(V v) { return avx2_isa::hsum(v); }
    static void store(float* p, V v) { _mm256_storeu_ps(p, v); }
    static void store(float* p, Tail t, V v) { _mm256_maskstore_ps(p, t, v); }
    static void prefetch(const char* p) { _mm_prefetch(p, _MM_HINT_T0); }
};

const Kernels table = make_kernels<Isa>();

}  // namespace
}  // namespace pyrec::als::avx2_isa

namespace pyrec::als {
const Kernels& kernels_avx2() { return avx2_isa::table; }
}  // namespace pyrec::als
