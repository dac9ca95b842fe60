// Portable kernels: the reference every SIMD variant is tested against, and
// the path on CPUs (or forced levels) without AVX2.
#include "als/kernels.hpp"

namespace pyrec::als::scalar_isa {
namespace {

#include "als/dense_double.inl"

float dot(const float* a, const float* b, int n) {
    // Eight partial sums: independent chains the compiler can keep in SSE registers.
    float s[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    int j = 0;
    for (; j + 8 <= n; j += 8)
        for (int l = 0; l < 8; ++l) s[l] += a[j + l] * b[j + l];
    float total = ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]));
    for (; j < n; ++j) total += a[j] * b[j];
    return total;
}

void cg_apply(const float* G, float gscale, const float* Y, const int32_t* rows, const float* a,
              const float* b, int64_t m, const float* v, float* __restrict out, int n) {
    for (int c = 0; c < n; ++c) out[c] = 0.0f;
    for (int j = 0; j < n; ++j) {  // G is symmetric: G v = sum_j v_j G[j, :]
        const float s = gscale * v[j];
        const float* __restrict g = G + static_cast<int64_t>(j) * n;
        for (int c = 0; c < n; ++c) out[c] += s * g[c];
    }
    for (int64_t k = 0; k < m; ++k) {
        const float* __restrict y = Y + static_cast<int64_t>(rows[k]) * n;
        const float t = (a ? a[k] : 0.0f) + b[k] * dot(y, v, n);
        for (int c = 0; c < n; ++c) out[c] += t * y[c];
    }
}

void score_rows(const float* q, const float* Y, int64_t count, int n, float* scores) {
    for (int64_t i = 0; i < count; ++i) scores[i] = dot(q, Y + i * n, n);
}

const Kernels table = {
    "scalar", dot, cg_apply, score_rows, rank_update_impl, cholesky_solve_impl,
};

}  // namespace
}  // namespace pyrec::als::scalar_isa

namespace pyrec::als {
const Kernels& kernels_scalar() { return scalar_isa::table; }
}  // namespace pyrec::als
