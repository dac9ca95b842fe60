// iALS loops over the core's thread pool (parallel/thread_pool.hpp), with rows
// handed out in chunks on demand: power-law row lengths make static splits
// uneven.
#pragma once
#include <algorithm>
#include <atomic>
#include <cstdint>

#include "parallel/thread_pool.hpp"

namespace pyrec::als {

// How many workers parallel_for will use for n items in chunks of `chunk`.
inline int worker_count(int64_t n, int64_t chunk, int threads) {
    const int64_t chunks = (n + chunk - 1) / std::max<int64_t>(chunk, 1);
    return static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(threads, chunks)));
}

// Calls body(begin, end, worker) for consecutive chunks of [0, n) on up to
// `workers` threads; worker < workers, and no two running bodies share one.
// The first exception stops the hand-out and is rethrown once all are done.
template <class Body>
void parallel_for(int64_t n, int64_t chunk, int workers, Body&& body) {
    chunk = std::max<int64_t>(chunk, 1);
    const std::size_t w = static_cast<std::size_t>(std::max(workers, 1));
    std::atomic<int64_t> next{0};
    std::atomic<bool> failed{false};
    pyrec::parallel_for(w, w, [&](std::size_t worker) {
        try {
            while (!failed.load(std::memory_order_relaxed)) {
                const int64_t begin = next.fetch_add(chunk, std::memory_order_relaxed);
                if (begin >= n) break;
                body(begin, std::min(n, begin + chunk), static_cast<int>(worker));
            }
        } catch (...) {
            failed.store(true);
            throw;
        }
    });
}

}  // namespace pyrec::als
