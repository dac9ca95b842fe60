#include <vector>

#include "als/kernels.hpp"
#include "als/parallel.hpp"
#include "als/solve.hpp"

namespace pyrec::als {

void gram(const float* Y, int64_t rows, int n, double* out, int threads) {
    const Kernels& K = active_kernels();
    const int64_t chunk = 256;
    const int workers = worker_count(rows, chunk, threads);
    const size_t nn = static_cast<size_t>(n) * n;
    // One upper-triangular partial sum per worker, added up afterwards.
    std::vector<std::vector<double>> partial(static_cast<size_t>(workers), std::vector<double>(nn, 0.0));
    std::vector<std::vector<double>> buf(static_cast<size_t>(workers), std::vector<double>(4 * size_t(n)));
    parallel_for(rows, chunk, workers, [&](int64_t begin, int64_t end, int worker) {
        K.rank_update(partial[worker].data(), Y + begin * n, nullptr, nullptr, end - begin, n, buf[worker].data());
    });
    for (size_t i = 0; i < nn; ++i) {
        double s = 0.0;
        for (const auto& p : partial) s += p[i];
        out[i] = s;
    }
    for (int j = 0; j < n; ++j)
        for (int c = 0; c < j; ++c) out[static_cast<size_t>(j) * n + c] = out[static_cast<size_t>(c) * n + j];
}

double training_loss(const Csr& C, const float* X, const float* Y, int n, double regularization, double alpha,
                     int threads) {
    const Kernels& K = active_kernels();
    std::vector<double> gd(static_cast<size_t>(n) * n);
    gram(Y, C.n_cols(), n, gd.data(), threads);
    std::vector<float> G(gd.begin(), gd.end());

    struct Sums {
        double loss = 0, confidence = 0, user_norm = 0;
        std::vector<float> r, a, b;
    };
    const int64_t rows = C.n_rows();
    const int64_t chunk = 64;
    const int workers = worker_count(rows, chunk, threads);
    std::vector<Sums> sums(static_cast<size_t>(workers));
    const float calpha = static_cast<float>(alpha);
    parallel_for(rows, chunk, workers, [&](int64_t begin, int64_t end, int worker) {
        Sums& s = sums[worker];
        s.r.resize(n);
        for (int64_t u = begin; u < end; ++u) {
            const float* x = X + u * n;
            const int64_t lo = C.indptr()[u], m = C.indptr()[u + 1] - lo;
            if (static_cast<int64_t>(s.a.size()) < m) {
                s.a.resize(m);
                s.b.resize(m);
            }
            double conf = 0.0;
            for (int64_t k = 0; k < m; ++k) {
                const float c = calpha * C.data()[lo + k];
                s.a[k] = c > 0.0f ? -2.0f * c : 0.0f;
                s.b[k] = c - 1.0f;
                conf += c;
            }
            // r·x = xᵀYᵀYx + sum_i ((c-1)(x·y_i) - 2c)(x·y_i); adding sum c completes the square.
            K.cg_apply(G.data(), 1.0f, Y, C.indices() + lo, s.a.data(), s.b.data(), m, x, s.r.data(), n);
            s.loss += static_cast<double>(K.dot(s.r.data(), x, n)) + conf;
            s.confidence += conf;
            s.user_norm += static_cast<double>(K.dot(x, x, n));
        }
    });
    double loss = 0, confidence = 0, user_norm = 0;
    for (const Sums& s : sums) {
        loss += s.loss;
        confidence += s.confidence;
        user_norm += s.user_norm;
    }
    double item_norm = 0;
    for (int j = 0; j < n; ++j) item_norm += gd[static_cast<size_t>(j) * n + j];  // trace(YᵀY) = |Y|²
    loss += regularization * (item_norm + user_norm);
    const double cells = static_cast<double>(rows) * static_cast<double>(C.n_cols());
    return loss / (confidence + cells - static_cast<double>(C.nnz()));
}

}  // namespace pyrec::als
