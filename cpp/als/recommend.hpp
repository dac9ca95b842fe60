// Top-k items by inner product (or cosine, given item norms) for a batch of
// query vectors, with per-query and global exclusions: what ImplicitALS's
// recommend() and similar_items() run (pyrec._core.als_topk).
#pragma once
#include <cstdint>

#include "als/csr.hpp"

namespace pyrec::als {

struct RecommendRequest {
    const float* queries;  // n_queries × n
    int64_t n_queries;
    const float* items;  // n_items × n
    int64_t n_items;
    int n;
    int k;
    const Csr* exclude_rows = nullptr;      // row q lists items never returned for query q
    const int64_t* exclude_items = nullptr;  // items never returned for any query
    int64_t n_exclude_items = 0;
    const float* item_norms = nullptr;  // if set, scores are q·y_i / norm_i
};

// Fills ids/scores (n_queries × k), best first; ties go to the lower item id.
// When fewer than k items remain, the rest is id -1, score -inf. Throws
// std::out_of_range for an excluded item id outside [0, n_items).
void recommend(const RecommendRequest& req, int32_t* ids, float* scores, int threads);

}  // namespace pyrec::als
