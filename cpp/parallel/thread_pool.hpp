// The core's one thread pool: a small process-wide set of std::threads for
// every parallel loop (vector search and iALS alike). The calling thread
// always takes part, so a call finishes even when no worker is free (or after
// fork, when the workers are gone).
#pragma once
#include <cstddef>
#include <functional>

namespace pyrec {

// Runs fn(task) for every task in [0, tasks) on up to `threads` threads
// (the caller included) and returns when all are done. No two calls with the
// same task index overlap, so a task index can pick per-worker scratch. The
// first exception thrown by a task is rethrown here. fn must not touch
// Python objects.
void parallel_for(std::size_t tasks, std::size_t threads, const std::function<void(std::size_t)>& fn);

// Cores this process may run on (its CPU affinity), at least 1.
std::size_t available_cores();

// A num_threads setting as a thread count: 0 means one per available core.
inline std::size_t resolve_threads(std::size_t requested) { return requested > 0 ? requested : available_cores(); }

}  // namespace pyrec
