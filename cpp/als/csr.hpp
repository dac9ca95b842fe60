// A validated snapshot of a sparse interaction matrix in CSR form.
//
// It owns normalised copies (int64 indptr, int32 indices, float32 data) rather
// than borrowing the caller's numpy buffers: the solvers index item rows by
// these ids with no bounds checks, so they must not change after validation,
// and a numpy array can be mutated from another Python thread at any time.
#pragma once
#include <cstdint>
#include <vector>

namespace pyrec::als {

class Csr {
public:
    // Checks indptr (starts at 0, non-decreasing, ends at nnz), column ids
    // (in [0, n_cols), strictly increasing within a row: sorted, no
    // duplicates) and values (finite, >= 0). Throws std::invalid_argument.
    template <class IndPtr, class Index, class Value>
    static Csr from_arrays(const IndPtr* indptr, int64_t indptr_len, const Index* indices,
                           int64_t indices_len, const Value* data, int64_t data_len, int64_t n_cols);

    // Columns become rows; rows within each column stay sorted.
    Csr transpose() const;

    int64_t n_rows() const { return static_cast<int64_t>(indptr_.size()) - 1; }
    int64_t n_cols() const { return n_cols_; }
    int64_t nnz() const { return static_cast<int64_t>(indices_.size()); }
    int64_t max_row_nnz() const { return max_row_nnz_; }

    const int64_t* indptr() const { return indptr_.data(); }
    const int32_t* indices() const { return indices_.data(); }
    const float* data() const { return data_.data(); }

private:
    Csr() = default;
    void finish();

    int64_t n_cols_ = 0;
    int64_t max_row_nnz_ = 0;
    std::vector<int64_t> indptr_{0};
    std::vector<int32_t> indices_;
    std::vector<float> data_;
};

}  // namespace pyrec::als
