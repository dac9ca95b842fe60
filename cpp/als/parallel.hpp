// A fork-join loop over std::threads. Threads are started per call (tens of
// microseconds) rather than kept in a pool: every caller does milliseconds of
// work or more, and a per-call pool cannot outlive the interpreter or break in
// a forked child.
#pragma once
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace pyrec::als {

// 0 means one thread per core this process may run on.
int resolve_threads(int requested);

// How many workers parallel_for will use for n items in chunks of `chunk`.
inline int worker_count(int64_t n, int64_t chunk, int threads) {
    const int64_t chunks = (n + chunk - 1) / std::max<int64_t>(chunk, 1);
    return static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(threads, chunks)));
}

// Calls body(begin, end, worker) for consecutive chunks of [0, n), handed out
// dynamically (power-law row lengths make static splits uneven). The calling
// thread is worker 0. The first exception stops the hand-out and is rethrown
// after every thread has joined.
template <class Body>
void parallel_for(int64_t n, int64_t chunk, int workers, Body&& body) {
    chunk = std::max<int64_t>(chunk, 1);
    std::atomic<int64_t> next{0};
    std::atomic<bool> failed{false};
    std::exception_ptr error;
    std::mutex error_mutex;
    auto run = [&](int worker) {
        try {
            while (!failed.load(std::memory_order_relaxed)) {
                const int64_t begin = next.fetch_add(chunk, std::memory_order_relaxed);
                if (begin >= n) break;
                body(begin, std::min(n, begin + chunk), worker);
            }
        } catch (...) {
            std::lock_guard<std::mutex> lock(error_mutex);
            if (!error) error = std::current_exception();
            failed.store(true);
        }
    };
    std::vector<std::thread> threads;
    threads.reserve(static_cast<size_t>(std::max(workers - 1, 0)));
    try {
        for (int w = 1; w < workers; ++w) threads.emplace_back(run, w);
    } catch (...) {
        failed.store(true);  // could not start a thread: finish with those we have
        for (auto& t : threads) t.join();
        throw;
    }
    run(0);
    for (auto& t : threads) t.join();
    if (error) std::rethrow_exception(error);
}

}  // namespace pyrec::als
