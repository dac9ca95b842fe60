// Exact top-k search over a VectorStore: blocked SIMD scoring fused with
// per-task top-k heaps (no full score array), split over rows and/or queries
// across the thread pool, then merged per query.
#pragma once
#include <cstddef>
#include <cstdint>

#include "index/store.hpp"

namespace pyrec::index {

struct SearchRequest {
    const float* queries = nullptr;  // m x dim, finite, as given (not yet normalised)
    std::size_t m = 0;
    std::size_t k = 0;  // >= 1
    const std::int64_t* exclude = nullptr;
    std::size_t n_exclude = 0;
    const std::int64_t* allow = nullptr;  // nullptr: every row is allowed
    std::size_t n_allow = 0;
    std::size_t threads = 1;
};

// Fills out_ids / out_scores (m x k, row-major): best first, ties to the
// smaller id, padded with id -1 and score -inf. Ids in exclude/allow that are
// not in the store are ignored. Scores that come out NaN (only possible when
// huge 'dot' vectors overflow) are dropped like padding.
void search(const VectorStore& store, const SearchRequest& request, std::int64_t* out_ids, float* out_scores);

}  // namespace pyrec::index
