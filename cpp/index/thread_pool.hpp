// A small process-wide pool of std::threads for the core's parallel loops.
// The calling thread always takes part, so a call finishes even when no
// worker is free (or after fork, when the workers are gone).
#pragma once
#include <cstddef>
#include <functional>

namespace pyrec::index {

// Runs fn(task) for every task in [0, tasks) on up to `threads` threads
// (the caller included) and returns when all are done. The first exception
// thrown by a task is rethrown here. fn must not touch Python objects.
void parallel_for(std::size_t tasks, std::size_t threads, const std::function<void(std::size_t)>& fn);

// std::thread::hardware_concurrency(), at least 1.
std::size_t hardware_threads();

}  // namespace pyrec::index
