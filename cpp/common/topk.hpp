// The core's one top-k selection, used by vector search (index/search.cpp)
// and iALS recommendations (als/recommend.cpp). A bounded heap keeps the k
// best (score, id) pairs seen: best = higher score, ties to the smaller id, so
// results do not depend on scan order or thread split. The worst kept hit sits
// on top, so rejecting a non-candidate is one comparison against threshold().
#pragma once
#include <algorithm>
#include <cstddef>
#include <limits>
#include <vector>

namespace pyrec::topk {

template <class Id>
struct Hit {
    float score;
    Id id;
};

template <class Id>
inline bool better(const Hit<Id>& a, const Hit<Id>& b) {
    return a.score > b.score || (a.score == b.score && a.id < b.id);
}

// Writes the `keep` best of hits (fewer if there are fewer), best first, into
// `width` slots of ids/scores; the rest is padded with id -1, score -inf.
// Reorders hits.
template <class Id>
void write_best(std::vector<Hit<Id>>& hits, std::size_t keep, std::size_t width, Id* ids, float* scores) {
    keep = std::min(keep, hits.size());
    std::partial_sort(hits.begin(), hits.begin() + keep, hits.end(), better<Id>);
    for (std::size_t i = 0; i < width; ++i) {
        ids[i] = i < keep ? hits[i].id : Id{-1};
        scores[i] = i < keep ? hits[i].score : -std::numeric_limits<float>::infinity();
    }
}

template <class Id>
class TopK {
public:
    explicit TopK(std::size_t k = 0) : k_(k) {}

    // Scores below this cannot enter; equal scores may (smaller id wins).
    // NaN never passes `score >= threshold()`, so NaN scores are dropped.
    float threshold() const { return threshold_; }

    void push(float score, Id id) {
        if (!(score >= threshold_) || k_ == 0) return;
        const Hit<Id> hit{score, id};
        if (heap_.size() < k_) {
            heap_.push_back(hit);
            std::push_heap(heap_.begin(), heap_.end(), better<Id>);
            if (heap_.size() == k_) threshold_ = heap_.front().score;
            return;
        }
        if (!better(hit, heap_.front())) return;
        std::pop_heap(heap_.begin(), heap_.end(), better<Id>);
        heap_.back() = hit;
        std::push_heap(heap_.begin(), heap_.end(), better<Id>);
        threshold_ = heap_.front().score;
    }

    // The kept hits, in heap order.
    const std::vector<Hit<Id>>& hits() const { return heap_; }
    void reserve(std::size_t n) { heap_.reserve(std::min(n, k_)); }
    // Empty again, same k (reuses the storage).
    void clear() {
        heap_.clear();
        threshold_ = -std::numeric_limits<float>::infinity();
    }
    // Writes the kept hits as write_best() does, then clear()s.
    void write(std::size_t width, Id* ids, float* scores) {
        write_best(heap_, heap_.size(), width, ids, scores);
        clear();
    }

private:
    std::size_t k_;
    float threshold_ = -std::numeric_limits<float>::infinity();
    std::vector<Hit<Id>> heap_;
};

}  // namespace pyrec::topk
