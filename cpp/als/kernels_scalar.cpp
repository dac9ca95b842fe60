// Portable kernels: the reference every SIMD variant is tested against, and
// the path on CPUs (or forced levels) without AVX2. Only the generic loops of
// kernel_templates.hpp, which the compiler vectorises for the baseline ISA.
#include "als/kernel_templates.hpp"
#include "simd/scalar_ops.hpp"

namespace pyrec::als::scalar {
namespace {

struct Isa {
    static constexpr const char* kName = "scalar";
    static constexpr int kMaxChunks = 0;
    static constexpr int kScoreChunks = 0;

    // Kept out of line: inlined into cg_apply's item loop it costs ~15% at 64 factors.
    __attribute__((noinline)) static float dot(const float* a, const float* b, int n) {
        // Eight partial sums: independent chains the compiler can keep in SSE registers.
        constexpr int L = simd::scalar::kLanes;
        float s[L] = {0, 0, 0, 0, 0, 0, 0, 0};
        int j = 0;
        for (; j + L <= n; j += L)
            for (int l = 0; l < L; ++l) s[l] += a[j + l] * b[j + l];
        float total = simd::scalar::sum_lanes(s);
        for (; j < n; ++j) total += a[j] * b[j];
        return total;
    }

    // No __restrict here: the caller's (on out and the G row) is what lets GCC
    // unroll-and-jam the G v loop, two rows of G per pass over out.
    static void axpy(float t, const float* x, float* y, int n) {
        for (int c = 0; c < n; ++c) y[c] += t * x[c];
    }
};

}  // namespace

const Kernels table = make_kernels<Isa>();

}  // namespace pyrec::als::scalar
