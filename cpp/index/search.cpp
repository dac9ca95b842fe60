#include "index/search.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <vector>

#include "common/topk.hpp"
#include "index/aligned.hpp"
#include "index/codec.hpp"
#include "index/kernels.hpp"
#include "parallel/thread_pool.hpp"

namespace pyrec::index {
namespace {

using Hit = topk::Hit<std::int64_t>;
using TopK = topk::TopK<std::int64_t>;

// Rows scored per kernel call: small enough to stay in L2 while every query
// tile passes over them.
constexpr std::size_t kBlockBytes = 128 * 1024;
constexpr std::size_t kMinBlockRows = 16;
constexpr std::size_t kMaxBlockRows = 1024;
// Queries scored together against one block.
constexpr std::size_t kQueryTile = 32;
// Below this many multiply-adds per thread, waking a thread costs more than it saves.
constexpr std::size_t kMinMacsPerThread = std::size_t{1} << 18;
constexpr std::size_t kMinRowsPerPart = 1024;
// i8 keeps k + max(k, this) candidates from the int8 scan for re-ranking.
constexpr std::size_t kMinExtraCandidates = 16;

// Which rows may be returned. Dense mode scans every row and skips flagged
// ones; gather mode (a small allow list) scans only the listed rows.
struct Candidates {
    std::vector<std::uint64_t> skip;  // dense: bit set = not a candidate; empty = all are
    std::vector<std::size_t> rows;    // gather: sorted candidate rows
    bool gather = false;
    std::size_t count = 0;

    bool skipped(std::size_t row) const { return !skip.empty() && ((skip[row >> 6] >> (row & 63)) & 1u); }
};

Candidates find_candidates(const VectorStore& store, const SearchRequest& req) {
    const std::size_t n = store.size();
    Candidates c;
    std::vector<std::uint64_t> excluded;
    std::size_t n_excluded = 0;
    if (req.n_exclude > 0) {
        excluded.assign((n + 63) / 64, 0);
        for (std::size_t i = 0; i < req.n_exclude; ++i) {
            const std::size_t row = store.find(req.exclude[i]);
            if (row == VectorStore::npos) continue;
            std::uint64_t& word = excluded[row >> 6];
            const std::uint64_t bit = std::uint64_t{1} << (row & 63);
            n_excluded += (word & bit) == 0;
            word |= bit;
        }
    }
    auto is_excluded = [&](std::size_t row) { return !excluded.empty() && ((excluded[row >> 6] >> (row & 63)) & 1u); };
    if (req.allow == nullptr) {
        c.skip = std::move(excluded);
        c.count = n - n_excluded;
        return c;
    }
    for (std::size_t i = 0; i < req.n_allow; ++i) {
        const std::size_t row = store.find(req.allow[i]);
        if (row != VectorStore::npos && !is_excluded(row)) c.rows.push_back(row);
    }
    std::sort(c.rows.begin(), c.rows.end());
    c.rows.erase(std::unique(c.rows.begin(), c.rows.end()), c.rows.end());
    c.count = c.rows.size();
    if (c.count * 2 <= n) {
        c.gather = true;
        return c;
    }
    // Most rows allowed: a straight scan with a skip mask beats gathering.
    c.skip.assign((n + 63) / 64, ~std::uint64_t{0});
    for (std::size_t row : c.rows) c.skip[row >> 6] &= ~(std::uint64_t{1} << (row & 63));
    c.rows.clear();
    return c;
}

// Queries in the form each dtype scans with. 'dot' scores the caller's
// array in place (no copy); cosine needs a normalised copy.
struct Prepared {
    const float* f32 = nullptr;
    AlignedVector<float> normalised;
    AlignedVector<std::int8_t> codes;  // i8 only
    std::vector<float> scales;
};

Prepared prepare(const VectorStore& store, const SearchRequest& req) {
    const std::size_t dim = store.dim();
    Prepared p;
    p.f32 = req.queries;
    if (store.metric() == Metric::Cosine) {
        p.normalised.resize(req.m * dim);
        for (std::size_t q = 0; q < req.m; ++q) normalize(req.queries + q * dim, dim, p.normalised.data() + q * dim);
        p.f32 = p.normalised.data();
    }
    if (store.dtype() == DType::I8) {
        p.codes.resize(req.m * dim);
        p.scales.resize(req.m);
        for (std::size_t q = 0; q < req.m; ++q) p.scales[q] = quantize_codes(p.f32 + q * dim, dim, p.codes.data() + q * dim);
    }
    return p;
}

std::size_t row_bytes(const VectorStore& store) {
    switch (store.dtype()) {
        case DType::F32: return store.dim() * sizeof(float);
        case DType::F16: return store.dim() * sizeof(std::uint16_t);
        case DType::I8: return store.dim();
    }
    return store.dim();
}

class Scanner {
public:
    Scanner(const VectorStore& store, const Prepared& queries, const Candidates& candidates, const Kernels& kernels)
        : store_(store), queries_(queries), cand_(candidates), kernels_(kernels), row_bytes_(row_bytes(store)) {
        block_ = std::clamp(kBlockBytes / row_bytes_, kMinBlockRows, kMaxBlockRows);
    }

    // Scores slots [s0, s1) (rows, or positions in the gather list) against
    // queries [q0, q1), feeding heaps[q - q0].
    void run(std::size_t s0, std::size_t s1, std::size_t q0, std::size_t q1, TopK* heaps) const {
        std::vector<float> scores(kQueryTile * block_);
        std::vector<std::int32_t> dots(store_.dtype() == DType::I8 ? kQueryTile * block_ : 0);
        AlignedVector<unsigned char> gathered(cand_.gather ? block_ * row_bytes_ : 0);
        std::vector<float> row_scales(store_.dtype() == DType::I8 ? block_ : 0);
        for (std::size_t s = s0; s < s1; s += block_) {
            const std::size_t nb = std::min(block_, s1 - s);
            if (!cand_.gather && s + block_ < s1) prefetch_block(s + block_, std::min(block_, s1 - s - block_));
            const unsigned char* rows = block_rows(s, nb, gathered.data());
            if (store_.dtype() == DType::I8)
                for (std::size_t j = 0; j < nb; ++j) row_scales[j] = store_.scales()[row_of(s + j)];
            for (std::size_t qt = q0; qt < q1; qt += kQueryTile) {
                const std::size_t nq = std::min(kQueryTile, q1 - qt);
                score_block(rows, nb, qt, nq, scores.data(), dots.data(), row_scales.data());
                for (std::size_t q = 0; q < nq; ++q) push_block(scores.data() + q * block_, nb, s, heaps[qt - q0 + q]);
            }
        }
    }

private:
    std::size_t row_of(std::size_t slot) const { return cand_.gather ? cand_.rows[slot] : slot; }

    const unsigned char* base() const {
        switch (store_.dtype()) {
            case DType::F32: return reinterpret_cast<const unsigned char*>(store_.f32());
            case DType::F16: return reinterpret_cast<const unsigned char*>(store_.f16());
            case DType::I8: return reinterpret_cast<const unsigned char*>(store_.codes());
        }
        return nullptr;
    }

    // Asks for the next block while this one is scored: batch tiles read four
    // rows at once, which the hardware prefetcher follows badly.
    void prefetch_block(std::size_t s, std::size_t nb) const {
        const unsigned char* p = base() + s * row_bytes_;
        for (std::size_t off = 0; off < nb * row_bytes_; off += 64) __builtin_prefetch(p + off, 0, 2);
    }

    const unsigned char* block_rows(std::size_t s, std::size_t nb, unsigned char* gathered) const {
        if (!cand_.gather) return base() + s * row_bytes_;
        for (std::size_t j = 0; j < nb; ++j)
            std::memcpy(gathered + j * row_bytes_, base() + cand_.rows[s + j] * row_bytes_, row_bytes_);
        return gathered;
    }

    void score_block(const unsigned char* rows, std::size_t nb, std::size_t qt, std::size_t nq, float* scores,
                     std::int32_t* dots, const float* row_scales) const {
        const std::size_t dim = store_.dim();
        switch (store_.dtype()) {
            case DType::F32:
                kernels_.dot_f32(queries_.f32 + qt * dim, nq, reinterpret_cast<const float*>(rows), nb, dim, scores,
                                 block_);
                return;
            case DType::F16:
                kernels_.dot_f16(queries_.f32 + qt * dim, nq, reinterpret_cast<const std::uint16_t*>(rows), nb, dim,
                                 scores, block_);
                return;
            case DType::I8:
                kernels_.dot_i8(queries_.codes.data() + qt * dim, nq, reinterpret_cast<const std::int8_t*>(rows), nb,
                                dim, dots, block_);
                for (std::size_t q = 0; q < nq; ++q) {
                    const float qs = queries_.scales[qt + q];
                    for (std::size_t j = 0; j < nb; ++j)
                        scores[q * block_ + j] = static_cast<float>(dots[q * block_ + j]) * (qs * row_scales[j]);
                }
                return;
        }
    }

    void push_block(const float* scores, std::size_t nb, std::size_t s, TopK& heap) const {
        const std::int64_t* ids = store_.ids().data();
        for (std::size_t j = 0; j < nb; ++j) {
            if (!(scores[j] >= heap.threshold())) continue;
            const std::size_t row = row_of(s + j);
            if (cand_.skipped(row)) continue;
            heap.push(scores[j], ids[row]);
        }
    }

    const VectorStore& store_;
    const Prepared& queries_;
    const Candidates& cand_;
    const Kernels& kernels_;
    std::size_t row_bytes_;
    std::size_t block_;
};

// Start of part p when n items are cut into `parts` near-equal parts.
inline std::size_t split(std::size_t n, std::size_t parts, std::size_t p) { return n * p / parts; }

// Writes the best k_keep of one query's merged hits, padded to k. For i8 the
// global best k_scan by int8 score are re-scored with the residuals first
// (selecting before re-scoring keeps results independent of the split).
void finish_query(const VectorStore& store, const Prepared& queries, std::size_t q, std::vector<Hit>& hits,
                  std::size_t k_scan, std::size_t k_keep, std::size_t k, std::int64_t* out_ids, float* out_scores) {
    if (store.dtype() == DType::I8) {
        if (hits.size() > k_scan) {
            std::nth_element(hits.begin(), hits.begin() + k_scan, hits.end(), topk::better<std::int64_t>);
            hits.resize(k_scan);
        }
        const std::size_t dim = store.dim();
        const std::size_t rb = residual_bytes(dim);
        for (Hit& h : hits) {
            const std::size_t row = store.find(h.id);
            h.score = static_cast<float>(dot_i8_refined(queries.f32 + q * dim, store.codes() + row * dim,
                                                        store.residuals() + row * rb, store.scales()[row], dim));
        }
    }
    topk::write_best(hits, k_keep, k, out_ids, out_scores);
}

}  // namespace

void search(const VectorStore& store, const SearchRequest& req, std::int64_t* out_ids, float* out_scores) {
    const Candidates cand = find_candidates(store, req);
    const std::size_t k_keep = std::min(req.k, cand.count);
    const std::size_t k_scan =
        store.dtype() == DType::I8 ? std::min(cand.count, k_keep + std::max(k_keep, kMinExtraCandidates)) : k_keep;
    if (req.m == 0) return;
    if (k_scan == 0) {
        std::fill(out_ids, out_ids + req.m * req.k, -1);
        std::fill(out_scores, out_scores + req.m * req.k, -std::numeric_limits<float>::infinity());
        return;
    }
    const Prepared queries = prepare(store, req);
    const Scanner scanner(store, queries, cand, active_kernels());

    // Split the scan over rows first (each thread streams a disjoint part of
    // memory and shares the queries), then over queries if rows run short.
    const std::size_t slots = cand.gather ? cand.rows.size() : store.size();
    const std::size_t macs = slots * req.m * store.dim();
    const std::size_t threads = std::clamp<std::size_t>(macs / kMinMacsPerThread, 1, std::max<std::size_t>(req.threads, 1));
    const std::size_t row_parts = std::clamp<std::size_t>(slots / kMinRowsPerPart, 1, threads);
    const std::size_t query_parts = std::min(req.m, (threads + row_parts - 1) / row_parts);
    std::vector<std::vector<TopK>> heaps(row_parts * query_parts);
    parallel_for(heaps.size(), threads, [&](std::size_t t) {
        const std::size_t rp = t % row_parts, qp = t / row_parts;
        const std::size_t s0 = split(slots, row_parts, rp), s1 = split(slots, row_parts, rp + 1);
        const std::size_t q0 = split(req.m, query_parts, qp), q1 = split(req.m, query_parts, qp + 1);
        heaps[t].assign(q1 - q0, TopK(k_scan));
        for (TopK& h : heaps[t]) h.reserve(s1 - s0);
        scanner.run(s0, s1, q0, q1, heaps[t].data());
    });

    // Merge each query's heaps from every row part.
    const std::size_t merge_parts = std::min(req.m, threads);
    parallel_for(merge_parts, threads, [&](std::size_t part) {
        std::vector<Hit> hits;
        for (std::size_t q = split(req.m, merge_parts, part); q < split(req.m, merge_parts, part + 1); ++q) {
            hits.clear();
            for (std::size_t qp = 0; qp < query_parts; ++qp) {
                const std::size_t q0 = split(req.m, query_parts, qp), q1 = split(req.m, query_parts, qp + 1);
                if (q < q0 || q >= q1) continue;
                for (std::size_t rp = 0; rp < row_parts; ++rp) {
                    const std::vector<Hit>& h = heaps[qp * row_parts + rp][q - q0].hits();
                    hits.insert(hits.end(), h.begin(), h.end());
                }
            }
            finish_query(store, queries, q, hits, k_scan, k_keep, req.k, out_ids + q * req.k, out_scores + q * req.k);
        }
    });
}

}  // namespace pyrec::index
