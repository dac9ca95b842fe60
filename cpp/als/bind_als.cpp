// Python bindings of the ALS core (pyrec._core.als_*). Every entry point
// checks dtypes, shapes and ranges (common/numpy_args.hpp) before releasing
// the GIL, so bad input is a Python exception, never a crash; the numerical
// work runs without the GIL.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cmath>
#include <limits>
#include <memory>
#include <optional>
#include <string>

#include "als/csr.hpp"
#include "als/kernels.hpp"
#include "als/recommend.hpp"
#include "als/solve.hpp"
#include "bindings.hpp"
#include "common/numpy_args.hpp"
#include "parallel/thread_pool.hpp"

namespace py = pybind11;

namespace pyrec {
namespace {
using als::Csr;
using args::has_dtype;

template <class IP, class IX>
Csr csr_with_value(const py::array& indptr, const py::array& indices, const py::array& data, int64_t n_cols) {
    const IP* p = args::data_of<IP>(indptr);
    const IX* i = args::data_of<IX>(indices);
    const int64_t np_ = indptr.shape(0), ni = indices.shape(0), nd = data.shape(0);
    if (has_dtype<float>(data)) return Csr::from_arrays(p, np_, i, ni, args::data_of<float>(data), nd, n_cols);
    if (has_dtype<double>(data)) return Csr::from_arrays(p, np_, i, ni, args::data_of<double>(data), nd, n_cols);
    throw py::type_error("data must be float32 or float64, got " + args::describe(data));
}

template <class IP>
Csr csr_with_index(const py::array& indptr, const py::array& indices, const py::array& data, int64_t n_cols) {
    if (has_dtype<int32_t>(indices)) return csr_with_value<IP, int32_t>(indptr, indices, data, n_cols);
    if (has_dtype<int64_t>(indices)) return csr_with_value<IP, int64_t>(indptr, indices, data, n_cols);
    throw py::type_error("indices must be int32 or int64, got " + args::describe(indices));
}

Csr make_csr(const py::array& indptr, const py::array& indices, const py::array& data, int64_t n_cols) {
    for (const auto* a : {&indptr, &indices, &data}) {
        args::require_ndim(*a, 1, "indptr, indices and data");
        args::require_c_layout(*a, "indptr, indices and data");
    }
    if (has_dtype<int32_t>(indptr)) return csr_with_index<int32_t>(indptr, indices, data, n_cols);
    if (has_dtype<int64_t>(indptr)) return csr_with_index<int64_t>(indptr, indices, data, n_cols);
    throw py::type_error("indptr must be int32 or int64, got " + args::describe(indptr));
}

int threads_arg(int num_threads) { return static_cast<int>(resolve_threads(args::threads_arg(num_threads))); }

void check_factors_width(int64_t n) {
    if (n < 1 || n > 65536) throw py::value_error("factor count must be in [1, 65536], got " + std::to_string(n));
}

void check_scalars(double regularization, double alpha) {
    if (!std::isfinite(regularization) || regularization < 0)
        throw py::value_error("regularization must be finite and >= 0");
    if (!std::isfinite(alpha) || alpha <= 0) throw py::value_error("alpha must be finite and > 0");
}

// Shared shape checks of the solvers: X is rows × n, Y is cols × n, gram n × n.
struct SolveArgs {
    float* X;
    const float* Y;
    const double* gram;
    int n;
};

SolveArgs check_solve(const Csr& csr, py::array& X, const py::array& Y, const py::array* gram) {
    args::matrix_arg<float>(X, "X");
    args::require_writeable(X, "X");
    args::matrix_arg<float>(Y, "Y");
    const int64_t xr = X.shape(0), xc = X.shape(1), yr = Y.shape(0), yc = Y.shape(1);
    check_factors_width(xc);
    using std::to_string;
    if (yc != xc)
        throw py::value_error("X and Y have different factor counts: " + to_string(xc) + " vs " + to_string(yc));
    if (xr != csr.n_rows())
        throw py::value_error("X has " + to_string(xr) + " rows but the matrix has " + to_string(csr.n_rows()));
    if (yr != csr.n_cols())
        throw py::value_error("Y has " + to_string(yr) + " rows but the matrix has " + to_string(csr.n_cols()) +
                              " columns");
    const double* g = nullptr;
    if (gram) {
        args::matrix_arg<double>(*gram, "gram");
        if (gram->shape(0) != xc || gram->shape(1) != xc)
            throw py::value_error("gram must be " + to_string(xc) + " × " + to_string(xc));
        g = args::data_of<double>(*gram);
    }
    return {static_cast<float*>(X.mutable_data()), args::data_of<float>(Y), g, static_cast<int>(xc)};
}

}  // namespace

void bind_als(py::module_& m) {
    py::class_<Csr>(m, "AlsCsr", "Validated, owned CSR snapshot of an interaction matrix (rows × n_cols).")
        .def(py::init(&make_csr), py::arg("indptr"), py::arg("indices"), py::arg("data"), py::arg("n_cols"))
        .def_property_readonly("n_rows", &Csr::n_rows)
        .def_property_readonly("n_cols", &Csr::n_cols)
        .def_property_readonly("nnz", &Csr::nnz)
        .def("transpose", [](const Csr& c) {
            if (c.n_rows() > std::numeric_limits<int32_t>::max())
                throw py::value_error("too many rows to transpose (ids must fit int32)");
            py::gil_scoped_release release;
            return c.transpose();
        })
        .def("row", [](const Csr& c, int64_t r) {
            if (r < 0 || r >= c.n_rows()) throw py::index_error("row " + std::to_string(r) + " out of range");
            const int64_t lo = c.indptr()[r], hi = c.indptr()[r + 1];
            py::array_t<int32_t> idx(hi - lo);
            py::array_t<float> val(hi - lo);
            std::copy(c.indices() + lo, c.indices() + hi, idx.mutable_data());
            std::copy(c.data() + lo, c.data() + hi, val.mutable_data());
            return py::make_tuple(idx, val);
        }, py::arg("r"), "Column ids and values of row r (copies).");

    m.def("als_kernels", [] { return std::string(als::active_kernels().name); },
          "Name of the ALS kernel set the current SIMD level selects.");

    m.def("als_gram", [](const py::array& Y, int num_threads) {
        args::matrix_arg<float>(Y, "Y");
        const int64_t rows = Y.shape(0), n = Y.shape(1);
        check_factors_width(n);
        const int threads = threads_arg(num_threads);
        py::array_t<double> out({n, n});
        double* o = out.mutable_data();
        const float* y = args::data_of<float>(Y);
        {
            py::gil_scoped_release release;
            als::gram(y, rows, static_cast<int>(n), o, threads);
        }
        return out;
    }, py::arg("Y"), py::arg("num_threads") = 0, "YᵀY as float64 (n × n).");

    m.def("als_solve_cg", [](const Csr& csr, py::array X, const py::array& Y, const py::array& gram,
                             double regularization, double alpha, int cg_steps, int num_threads) {
        check_scalars(regularization, alpha);
        if (cg_steps < 0) throw py::value_error("cg_steps must be >= 0");
        const SolveArgs a = check_solve(csr, X, Y, &gram);
        const int threads = threads_arg(num_threads);
        py::gil_scoped_release release;
        als::solve_cg(csr, a.X, a.Y, a.gram, a.n, regularization, alpha, cg_steps, threads);
    }, py::arg("csr"), py::arg("X"), py::arg("Y"), py::arg("gram"), py::arg("regularization"), py::arg("alpha"),
       py::arg("cg_steps"), py::arg("num_threads") = 0,
       "Conjugate-gradient update of every row of X in place (warm start from X).");

    m.def("als_solve_exact", [](const Csr& csr, py::array X, const py::array& Y, const py::array& gram,
                                double regularization, double alpha, int num_threads) {
        check_scalars(regularization, alpha);
        const SolveArgs a = check_solve(csr, X, Y, &gram);
        const int threads = threads_arg(num_threads);
        py::gil_scoped_release release;
        als::solve_exact(csr, a.X, a.Y, a.gram, a.n, regularization, alpha, threads);
    }, py::arg("csr"), py::arg("X"), py::arg("Y"), py::arg("gram"), py::arg("regularization"), py::arg("alpha"),
       py::arg("num_threads") = 0, "Exact (Cholesky, float64) solve of every row of X; X is overwritten.");

    m.def("als_loss", [](const Csr& csr, py::array X, const py::array& Y, double regularization, double alpha,
                         int num_threads) {
        check_scalars(regularization, alpha);
        const SolveArgs a = check_solve(csr, X, Y, nullptr);
        const int threads = threads_arg(num_threads);
        py::gil_scoped_release release;
        return als::training_loss(csr, a.X, a.Y, a.n, regularization, alpha, threads);
    }, py::arg("csr"), py::arg("X"), py::arg("Y"), py::arg("regularization"), py::arg("alpha"),
       py::arg("num_threads") = 0, "implicit's normalised training loss.");

    m.def("als_topk", [](const py::array& queries, const py::array& items, int k, const Csr* exclude,
                         std::optional<py::array> exclude_items, std::optional<py::array> item_norms,
                         int num_threads) {
        args::matrix_arg<float>(queries, "queries");
        args::matrix_arg<float>(items, "items");
        const int64_t nq = queries.shape(0), qn = queries.shape(1), ni = items.shape(0), in = items.shape(1);
        check_factors_width(qn);
        if (qn != in) throw py::value_error("queries and items have different factor counts");
        if (ni > std::numeric_limits<int32_t>::max()) throw py::value_error("too many items (ids must fit int32)");
        if (k < 0) throw py::value_error("N must be >= 0");
        als::RecommendRequest req{args::data_of<float>(queries), nq, args::data_of<float>(items), ni,
                                  static_cast<int>(qn), k};
        if (exclude) {
            if (exclude->n_rows() != nq)
                throw py::value_error("the exclusion matrix has " + std::to_string(exclude->n_rows()) +
                                      " rows for " + std::to_string(nq) + " queries");
            if (exclude->n_cols() != ni)
                throw py::value_error("the exclusion matrix has " + std::to_string(exclude->n_cols()) +
                                      " columns but there are " + std::to_string(ni) + " items");
            req.exclude_rows = exclude;
        }
        if (exclude_items) {
            args::ids_arg(*exclude_items, "filter_items");
            req.n_exclude_items = exclude_items->shape(0);
            req.exclude_items = args::data_of<int64_t>(*exclude_items);
        }
        if (item_norms) {
            args::vector_arg<float>(*item_norms, "item_norms");
            if (item_norms->shape(0) != ni) throw py::value_error("item_norms must have one entry per item");
            req.item_norms = args::data_of<float>(*item_norms);
        }
        const int threads = threads_arg(num_threads);
        py::array_t<int32_t> ids({nq, static_cast<int64_t>(k)});
        py::array_t<float> scores({nq, static_cast<int64_t>(k)});
        if (k == 0 || nq == 0) return py::make_tuple(ids, scores);  // nothing to rank: the heaps need k >= 1
        int32_t* ip = ids.mutable_data();
        float* sp = scores.mutable_data();
        {
            py::gil_scoped_release release;
            als::recommend(req, ip, sp, threads);
        }
        return py::make_tuple(ids, scores);
    }, py::arg("queries"), py::arg("items"), py::arg("k"), py::arg("exclude") = py::none(),
       py::arg("exclude_items") = py::none(), py::arg("item_norms") = py::none(), py::arg("num_threads") = 0,
       "Top-k items per query by inner product (cosine with item_norms); pads with id -1, score -inf.");
}

}  // namespace pyrec
