#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "als/kernels.hpp"
#include "als/parallel.hpp"
#include "als/solve.hpp"

namespace pyrec::als {
namespace {

struct ExactScratch {
    std::vector<double> A, b, w, rows4;
    explicit ExactScratch(int n) : A(static_cast<size_t>(n) * n), b(n), rows4(static_cast<size_t>(4) * n) {}
};

}  // namespace

void solve_exact(const Csr& C, float* X, const float* Y, const double* gram, int n, double regularization,
                 double alpha, int threads) {
    const Kernels& K = active_kernels();
    const int64_t rows = C.n_rows();
    const int64_t chunk = 4;
    const int workers = worker_count(rows, chunk, threads);
    std::vector<ExactScratch> scratch(static_cast<size_t>(workers), ExactScratch(n));

    parallel_for(rows, chunk, workers, [&](int64_t begin, int64_t end, int worker) {
        ExactScratch& s = scratch[worker];
        solve_rows(C, X, n, begin, end, [&](int64_t u, float* x, const int32_t* items, const float* values, int64_t m) {
            // A = YᵀY + reg I, then the observed items' extra weight (c - 1).
            std::memcpy(s.A.data(), gram, sizeof(double) * n * n);
            for (int j = 0; j < n; ++j) s.A[static_cast<size_t>(j) * n + j] += regularization;
            if (static_cast<int64_t>(s.w.size()) < m) s.w.resize(m);
            std::fill(s.b.begin(), s.b.end(), 0.0);
            for (int64_t k = 0; k < m; ++k) {
                const double c = alpha * static_cast<double>(values[k]);
                s.w[k] = c - 1.0;
                if (c > 0.0) {
                    const float* y = Y + static_cast<int64_t>(items[k]) * n;
                    for (int j = 0; j < n; ++j) s.b[j] += c * static_cast<double>(y[j]);
                }
            }
            K.rank_update(s.A.data(), Y, items, s.w.data(), m, n, s.rows4.data());
            if (!K.cholesky_solve(s.A.data(), s.b.data(), n))
                throw std::invalid_argument("row " + std::to_string(u) +
                                            ": the normal equations are not positive definite; increase "
                                            "regularization");
            for (int j = 0; j < n; ++j) {
                x[j] = static_cast<float>(s.b[j]);
                if (!std::isfinite(x[j]))  // e.g. alpha * value overflowing float32
                    throw std::invalid_argument("row " + std::to_string(u) +
                                                ": the solution is not finite; are the confidences too large?");
            }
        });
    });
}

}  // namespace pyrec::als
