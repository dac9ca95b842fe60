// Bounded top-k collector: keeps the k best (score, id) pairs seen, best =
// higher score, ties to the smaller id. A heap with the worst kept hit on top
// makes rejecting a non-candidate one comparison against threshold().
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace pyrec::index {

struct Hit {
    float score;
    std::int64_t id;
};

inline bool better(const Hit& a, const Hit& b) {
    return a.score > b.score || (a.score == b.score && a.id < b.id);
}

class TopK {
public:
    explicit TopK(std::size_t k = 0) : k_(k) {}

    // Scores below this cannot enter; equal scores may (smaller id wins).
    // NaN never passes `score >= threshold()`, so NaN scores are dropped.
    float threshold() const { return threshold_; }

    void push(float score, std::int64_t id) {
        if (!(score >= threshold_) || k_ == 0) return;
        const Hit hit{score, id};
        if (heap_.size() < k_) {
            heap_.push_back(hit);
            std::push_heap(heap_.begin(), heap_.end(), better);
            if (heap_.size() == k_) threshold_ = heap_.front().score;
            return;
        }
        if (!better(hit, heap_.front())) return;
        std::pop_heap(heap_.begin(), heap_.end(), better);
        heap_.back() = hit;
        std::push_heap(heap_.begin(), heap_.end(), better);
        threshold_ = heap_.front().score;
    }

    const std::vector<Hit>& hits() const { return heap_; }
    void reserve(std::size_t n) { heap_.reserve(std::min(n, k_)); }

private:
    std::size_t k_;
    float threshold_ = -std::numeric_limits<float>::infinity();
    std::vector<Hit> heap_;
};

}  // namespace pyrec::index
