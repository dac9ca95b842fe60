#include "als/recommend.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "als/kernels.hpp"
#include "als/parallel.hpp"
#include "common/topk.hpp"

namespace pyrec::als {
namespace {

using TopK = topk::TopK<int32_t>;

constexpr float kNegInf = -std::numeric_limits<float>::infinity();

// The k best of scores[0, count) into ids/out. Excluded items score -inf and
// are never returned (nor is NaN).
void select(const float* scores, int64_t count, int k, TopK& heap, int32_t* ids, float* out) {
    for (int64_t i = 0; i < count; ++i)
        if (scores[i] > kNegInf) heap.push(scores[i], static_cast<int32_t>(i));
    heap.write(static_cast<std::size_t>(k), ids, out);
}

}  // namespace

void recommend(const RecommendRequest& req, int32_t* ids, float* scores, int threads) {
    const Kernels& K = active_kernels();
    const int n = req.n;
    const int64_t n_items = req.n_items;
    std::vector<unsigned char> banned(static_cast<size_t>(n_items), 0);
    for (int64_t j = 0; j < req.n_exclude_items; ++j) {
        const int64_t id = req.exclude_items[j];
        if (id < 0 || id >= n_items)
            throw std::out_of_range("filter_items contains item id " + std::to_string(id) + ", outside [0, " +
                                    std::to_string(n_items) + ")");
        banned[id] = 1;
    }

    // Queries in blocks, items in tiles that stay in L2 while a block scores them.
    // (a block's score buffer is capped near 8 MiB for very large catalogues).
    const int64_t block = std::clamp<int64_t>((8 << 20) / (4 * std::max<int64_t>(n_items, 1)), 1, 16);
    const int64_t tile = std::max<int64_t>(64, (256 * 1024) / (4 * static_cast<int64_t>(n)));
    const int workers = worker_count(req.n_queries, block, threads);
    struct Scratch {
        std::vector<float> buf;
        TopK heap;
    };
    std::vector<Scratch> scratch(static_cast<size_t>(workers), Scratch{{}, TopK(static_cast<std::size_t>(req.k))});

    parallel_for(req.n_queries, block, workers, [&](int64_t begin, int64_t end, int worker) {
        Scratch& s = scratch[worker];
        s.buf.resize(static_cast<size_t>(block * n_items));
        for (int64_t t0 = 0; t0 < n_items; t0 += tile) {
            const int64_t len = std::min(tile, n_items - t0);
            for (int64_t q = begin; q < end; ++q) {
                float* out = s.buf.data() + (q - begin) * n_items + t0;
                K.score_rows(req.queries + q * n, req.items + t0 * n, len, n, out);
            }
        }
        for (int64_t q = begin; q < end; ++q) {
            float* row = s.buf.data() + (q - begin) * n_items;
            if (req.item_norms)
                for (int64_t i = 0; i < n_items; ++i) row[i] /= req.item_norms[i];
            if (req.n_exclude_items)
                for (int64_t i = 0; i < n_items; ++i)
                    if (banned[i]) row[i] = kNegInf;
            if (req.exclude_rows) {
                const Csr& ex = *req.exclude_rows;
                for (int64_t e = ex.indptr()[q]; e < ex.indptr()[q + 1]; ++e) row[ex.indices()[e]] = kNegInf;
            }
            select(row, n_items, req.k, s.heap, ids + q * req.k, scores + q * req.k);
        }
    });
}

}  // namespace pyrec::als
