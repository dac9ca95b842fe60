#include "als/topk.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "als/kernels.hpp"
#include "als/parallel.hpp"

namespace pyrec::als {
namespace {

using Entry = std::pair<float, int32_t>;

// "a ranks before b": higher score, then lower id (deterministic ties).
inline bool ranks_before(const Entry& a, const Entry& b) {
    return a.first > b.first || (a.first == b.first && a.second < b.second);
}

// Keeps the k best of scores[0, count) in a heap whose top is the worst kept.
void select(const float* scores, int64_t count, int k, std::vector<Entry>& heap, int32_t* ids, float* out) {
    heap.clear();
    constexpr float kNegInf = -std::numeric_limits<float>::infinity();
    for (int64_t i = 0; i < count; ++i) {
        const float s = scores[i];
        if (!(s > kNegInf)) continue;  // excluded (-inf) or NaN
        const Entry e{s, static_cast<int32_t>(i)};
        if (static_cast<int>(heap.size()) < k) {
            heap.push_back(e);
            std::push_heap(heap.begin(), heap.end(), ranks_before);
        } else if (ranks_before(e, heap.front())) {
            std::pop_heap(heap.begin(), heap.end(), ranks_before);
            heap.back() = e;
            std::push_heap(heap.begin(), heap.end(), ranks_before);
        }
    }
    std::sort_heap(heap.begin(), heap.end(), ranks_before);
    for (int j = 0; j < k; ++j) {
        const bool have = j < static_cast<int>(heap.size());
        ids[j] = have ? heap[j].second : -1;
        out[j] = have ? heap[j].first : kNegInf;
    }
}

}  // namespace

void topk(const TopkRequest& req, int32_t* ids, float* scores, int threads) {
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
        std::vector<Entry> heap;
    };
    std::vector<Scratch> scratch(static_cast<size_t>(workers));
    constexpr float kNegInf = -std::numeric_limits<float>::infinity();

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
