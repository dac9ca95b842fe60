// The two least-squares solvers of implicit ALS (Hu, Koren & Volinsky 2008),
// plus the Gram matrix and training loss they share. For row u with observed
// columns i and confidences c_ui = alpha * value_ui:
//
//   x_u = argmin  sum_i c_ui (p_ui - x_u·y_i)^2 + reg |x_u|^2   over all columns,
//   i.e. (YᵀY + reg I + Yᵤᵀ(Cᵤ - I)Yᵤ) x_u = Yᵤᵀ Cᵤ pᵤ,  p_ui = 1 where c_ui > 0.
//
// Rows with no entries get x_u = 0 (as implicit does). All functions are
// pure C++ (no Python), take validated inputs, and may run on many threads.
#pragma once
#include <cstdint>
#include <cstring>

#include "als/csr.hpp"

namespace pyrec::als {

// Conjugate gradient, warm-started from X (Takács, Pilászy & Tikk 2011, as in
// implicit): cg_steps iterations in float32 with YᵀY never re-formed per row.
// C is rows × items; X is rows × n (updated in place); Y is items × n;
// gram = YᵀY (double, n × n, full symmetric).
void solve_cg(const Csr& C, float* X, const float* Y, const double* gram, int n, double regularization,
              double alpha, int cg_steps, int threads);

// Exact solve: forms A = gram + reg I + Yᵤᵀ(Cᵤ - I)Yᵤ in double and solves by
// Cholesky. Used for the online fold-in (one row costs O(m n² + n³)); X is
// overwritten. Throws std::invalid_argument if A is not positive definite
// (only possible with regularization 0).
void solve_exact(const Csr& C, float* X, const float* Y, const double* gram, int n, double regularization,
                 double alpha, int threads);

// The per-row loop both solvers run over rows [begin, end) of C: a row with no
// entries gets x_u = 0 (the n floats at X + u * n), any other row
// solve(u, x_u, items, values, m) with its m column ids and values.
template <class Solve>
inline void solve_rows(const Csr& C, float* X, int n, int64_t begin, int64_t end, Solve&& solve) {
    for (int64_t u = begin; u < end; ++u) {
        float* x = X + u * n;
        const int64_t lo = C.indptr()[u], m = C.indptr()[u + 1] - lo;
        if (m == 0)
            std::memset(x, 0, sizeof(float) * n);
        else
            solve(u, x, C.indices() + lo, C.data() + lo, m);
    }
}

// out = Yᵀ Y (double, n × n, full symmetric) for the `rows` × n matrix Y.
void gram(const float* Y, int64_t rows, int n, double* out, int threads);

// implicit's training loss: (sum c_ui (p_ui - x_u·y_i)^2 + reg (|X|² + |Y|²))
// / (sum c_ui + rows * cols - nnz), the sum running over every cell.
double training_loss(const Csr& C, const float* X, const float* Y, int n, double regularization, double alpha,
                     int threads);

}  // namespace pyrec::als
