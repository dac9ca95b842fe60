// The vector index behind pyrec.core.VectorIndex: argument checks that need
// the data (ids, values), a reader/writer lock, and the calls into storage,
// search and persistence. No Python here; bind_index.cpp adapts it.
//
// Locking: callers release the GIL before calling in, and nothing here takes
// the GIL, so the GIL and the lock can never be waited on in opposite order.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <stdexcept>
#include <vector>

#include "index/store.hpp"

namespace pyrec::index {

// An id that is not in the index (maps to KeyError).
class UnknownId : public std::out_of_range {
public:
    explicit UnknownId(std::int64_t id);
    std::int64_t id() const { return id_; }

private:
    std::int64_t id_;
};

class Index {
public:
    // Throws std::invalid_argument for dim outside [1, kMaxDim].
    Index(std::size_t dim, Metric metric, DType dtype, std::size_t num_threads);
    explicit Index(std::unique_ptr<VectorStore> store, std::size_t num_threads);

    std::size_t dim() const { return dim_; }
    Metric metric() const { return metric_; }
    DType dtype() const { return dtype_; }
    // 0 means hardware concurrency.
    std::size_t num_threads() const { return num_threads_.load(); }
    void set_num_threads(std::size_t n) { num_threads_.store(n); }

    // vectors: n x dim. Throws std::invalid_argument (negative or repeated
    // ids, non-finite values, values beyond f16 range) before changing anything.
    void add(const std::int64_t* ids, std::size_t n, const float* vectors);
    // Throws std::invalid_argument for repeated ids, UnknownId for unknown
    // ones; either way nothing is removed.
    void remove(const std::int64_t* ids, std::size_t n);
    std::size_t size() const;
    bool contains(std::int64_t id) const;
    std::vector<std::int64_t> ids() const;
    // out: n x dim. Throws UnknownId.
    void get(const std::int64_t* ids, std::size_t n, float* out) const;
    // queries: m x dim; out_*: m x k. Throws std::invalid_argument for k == 0
    // or non-finite queries.
    void search(const float* queries, std::size_t m, std::size_t k, const std::int64_t* exclude,
                std::size_t n_exclude, const std::int64_t* allow, std::size_t n_allow, std::int64_t* out_ids,
                float* out_scores) const;

    std::size_t serialized_size() const;
    // Writes the index if it still takes exactly `size` bytes; returns false
    // (writing nothing) if it changed since serialized_size().
    bool serialize(unsigned char* out, std::size_t size) const;

private:
    std::size_t threads() const;

    std::size_t dim_;
    Metric metric_;
    DType dtype_;
    std::atomic<std::size_t> num_threads_;
    mutable std::shared_mutex mutex_;
    std::unique_ptr<VectorStore> store_;
};

}  // namespace pyrec::index
