#include <cstring>
#include <vector>

#include "als/kernels.hpp"
#include "als/parallel.hpp"
#include "als/solve.hpp"

namespace pyrec::als {
namespace {

struct CgScratch {
    std::vector<float> r, p, ap, a, b_res, b_ap;
    explicit CgScratch(int n) : r(n), p(n), ap(n) {}
    void fit(int64_t m) {
        if (static_cast<int64_t>(a.size()) < m) {
            a.resize(m);
            b_res.resize(m);
            b_ap.resize(m);
        }
    }
};

}  // namespace

void solve_cg(const Csr& C, float* X, const float* Y, const double* gram, int n, double regularization,
              double alpha, int cg_steps, int threads) {
    const Kernels& K = active_kernels();
    // G = YᵀY + reg I in float32 (the CG solver's precision, as in implicit).
    std::vector<float> G(static_cast<size_t>(n) * n);
    for (int64_t i = 0; i < static_cast<int64_t>(n) * n; ++i) G[i] = static_cast<float>(gram[i]);
    for (int j = 0; j < n; ++j) G[static_cast<size_t>(j) * n + j] += static_cast<float>(regularization);

    const int64_t rows = C.n_rows();
    const int64_t chunk = 16;
    const int workers = worker_count(rows, chunk, threads);
    std::vector<CgScratch> scratch(static_cast<size_t>(workers), CgScratch(n));
    const float calpha = static_cast<float>(alpha);

    parallel_for(rows, chunk, workers, [&](int64_t begin, int64_t end, int worker) {
        CgScratch& s = scratch[worker];
        float* r = s.r.data();
        float* p = s.p.data();
        float* ap = s.ap.data();
        solve_rows(C, X, n, begin, end, [&](int64_t, float* x, const int32_t* items, const float* values, int64_t m) {
            s.fit(m);
            for (int64_t k = 0; k < m; ++k) {
                const float c = calpha * values[k];
                s.a[k] = c > 0.0f ? c : 0.0f;  // p_ui = 1 only where there is confidence
                s.b_res[k] = 1.0f - c;
                s.b_ap[k] = c - 1.0f;
            }
            // r = Yᵀ Cᵤ pᵤ - A x
            K.cg_apply(G.data(), -1.0f, Y, items, s.a.data(), s.b_res.data(), m, x, r, n);
            std::memcpy(p, r, sizeof(float) * n);
            float rsold = K.dot(r, r, n);
            if (rsold < 1e-20f) return;
            for (int it = 0; it < cg_steps; ++it) {
                K.cg_apply(G.data(), 1.0f, Y, items, nullptr, s.b_ap.data(), m, p, ap, n);  // ap = A p
                const float pap = K.dot(p, ap, n);
                if (!(pap > 0.0f)) break;  // A is not positive definite along p: stop, keep x finite
                const float step = rsold / pap;
                for (int j = 0; j < n; ++j) {
                    x[j] += step * p[j];
                    r[j] -= step * ap[j];
                }
                const float rsnew = K.dot(r, r, n);
                if (rsnew < 1e-20f) break;
                const float beta = rsnew / rsold;
                for (int j = 0; j < n; ++j) p[j] = r[j] + beta * p[j];
                rsold = rsnew;
            }
        });
    });
}

}  // namespace pyrec::als
