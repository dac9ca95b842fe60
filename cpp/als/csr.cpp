#include "als/csr.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace pyrec::als {

template <class IndPtr, class Index, class Value>
Csr Csr::from_arrays(const IndPtr* indptr, int64_t indptr_len, const Index* indices, int64_t indices_len,
                     const Value* data, int64_t data_len, int64_t n_cols) {
    using std::to_string;
    if (n_cols < 0 || n_cols > std::numeric_limits<int32_t>::max())
        throw std::invalid_argument("n_cols must be in [0, 2**31 - 1], got " + to_string(n_cols));
    if (indptr_len < 1) throw std::invalid_argument("indptr must have n_rows + 1 entries, got an empty array");
    if (indices_len != data_len)
        throw std::invalid_argument("indices and data differ in length: " + to_string(indices_len) + " vs " +
                                    to_string(data_len));
    if (static_cast<int64_t>(indptr[0]) != 0)
        throw std::invalid_argument("indptr[0] must be 0, got " + to_string(static_cast<int64_t>(indptr[0])));
    const int64_t nnz = static_cast<int64_t>(indptr[indptr_len - 1]);
    if (nnz != indices_len)
        throw std::invalid_argument("indptr[-1] is " + to_string(nnz) + " but there are " + to_string(indices_len) +
                                    " stored entries");

    Csr out;
    out.n_cols_ = n_cols;
    out.indptr_.assign(static_cast<size_t>(indptr_len), 0);
    out.indices_.resize(static_cast<size_t>(nnz));
    out.data_.resize(static_cast<size_t>(nnz));
    for (int64_t r = 0; r + 1 < indptr_len; ++r) {
        const int64_t begin = static_cast<int64_t>(indptr[r]);
        const int64_t end = static_cast<int64_t>(indptr[r + 1]);
        if (end < begin || end > nnz)
            throw std::invalid_argument("indptr must be non-decreasing and at most nnz; row " + to_string(r) +
                                        " spans [" + to_string(begin) + ", " + to_string(end) + ")");
        int64_t previous = -1;
        for (int64_t k = begin; k < end; ++k) {
            const int64_t col = static_cast<int64_t>(indices[k]);
            if (col < 0 || col >= n_cols)
                throw std::invalid_argument("row " + to_string(r) + ": column index " + to_string(col) +
                                            " is outside [0, " + to_string(n_cols) + ")");
            if (col <= previous)
                throw std::invalid_argument("row " + to_string(r) +
                                            ": column indices must be sorted and unique (canonical CSR)");
            previous = col;
            const double value = static_cast<double>(data[k]);
            if (!std::isfinite(value) || value < 0.0)
                throw std::invalid_argument("row " + to_string(r) + ", column " + to_string(col) +
                                            ": confidence must be finite and >= 0, got " + std::to_string(value));
            if (value > std::numeric_limits<float>::max())
                throw std::invalid_argument("row " + to_string(r) + ": confidence overflows float32");
            out.indices_[k] = static_cast<int32_t>(col);
            out.data_[k] = static_cast<float>(value);
        }
        out.indptr_[r + 1] = end;
    }
    out.finish();
    return out;
}

void Csr::finish() {
    max_row_nnz_ = 0;
    for (int64_t r = 0; r < n_rows(); ++r) max_row_nnz_ = std::max(max_row_nnz_, indptr_[r + 1] - indptr_[r]);
}

Csr Csr::transpose() const {
    // Counting sort by column; walking rows in order keeps each new row sorted.
    Csr t;
    t.n_cols_ = n_rows();
    t.indptr_.assign(static_cast<size_t>(n_cols_) + 1, 0);
    t.indices_.resize(indices_.size());
    t.data_.resize(data_.size());
    for (int32_t col : indices_) ++t.indptr_[static_cast<size_t>(col) + 1];
    for (int64_t c = 0; c < n_cols_; ++c) t.indptr_[c + 1] += t.indptr_[c];
    std::vector<int64_t> fill(t.indptr_.begin(), t.indptr_.end() - 1);
    for (int64_t r = 0; r < n_rows(); ++r) {
        for (int64_t k = indptr_[r]; k < indptr_[r + 1]; ++k) {
            const int64_t dst = fill[indices_[k]]++;
            t.indices_[dst] = static_cast<int32_t>(r);
            t.data_[dst] = data_[k];
        }
    }
    t.finish();
    return t;
}

#define PYREC_CSR_INSTANTIATE(IP, IX, V)                                                                    \
    template Csr Csr::from_arrays<IP, IX, V>(const IP*, int64_t, const IX*, int64_t, const V*, int64_t, \
                                             int64_t);
PYREC_CSR_INSTANTIATE(int32_t, int32_t, float)
PYREC_CSR_INSTANTIATE(int32_t, int32_t, double)
PYREC_CSR_INSTANTIATE(int32_t, int64_t, float)
PYREC_CSR_INSTANTIATE(int32_t, int64_t, double)
PYREC_CSR_INSTANTIATE(int64_t, int32_t, float)
PYREC_CSR_INSTANTIATE(int64_t, int32_t, double)
PYREC_CSR_INSTANTIATE(int64_t, int64_t, float)
PYREC_CSR_INSTANTIATE(int64_t, int64_t, double)
#undef PYREC_CSR_INSTANTIATE

}  // namespace pyrec::als
