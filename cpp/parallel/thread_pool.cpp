#include "parallel/thread_pool.hpp"

#include <pthread.h>
#if defined(__linux__)
#include <sched.h>
#endif

#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace pyrec {
namespace {

// Upper bound on workers, whatever num_threads a caller asks for.
constexpr std::size_t kMaxWorkers = 256;

struct Job {
    const std::function<void(std::size_t)>* fn = nullptr;
    std::size_t tasks = 0;
    std::size_t helpers_wanted = 0;  // guarded by Pool::mutex_
    std::atomic<std::size_t> next{0};
    std::mutex mutex;
    std::condition_variable finished;
    std::size_t done = 0;  // guarded by mutex
    std::exception_ptr error;

    // Claims tasks until none are left; the job's fn is only called while
    // the caller is still waiting in run(), so a late helper is harmless.
    void work() {
        std::size_t ran = 0;
        for (std::size_t t = next.fetch_add(1); t < tasks; t = next.fetch_add(1)) {
            try {
                (*fn)(t);
            } catch (...) {
                std::lock_guard<std::mutex> lock(mutex);
                if (!error) error = std::current_exception();
            }
            ++ran;
        }
        if (ran == 0) return;
        std::lock_guard<std::mutex> lock(mutex);
        done += ran;
        if (done == tasks) finished.notify_all();
    }
};

class Pool {
public:
    void run(std::size_t tasks, std::size_t threads, const std::function<void(std::size_t)>& fn) {
        auto job = std::make_shared<Job>();
        job->fn = &fn;
        job->tasks = tasks;
        job->helpers_wanted = threads - 1;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            while (workers_.size() < threads - 1 && workers_.size() < kMaxWorkers)
                workers_.emplace_back([this] { loop(); });
            queue_.push_back(job);
        }
        wake_.notify_all();
        job->work();
        {
            // Helpers that never showed up must not pick the job up later.
            std::lock_guard<std::mutex> lock(mutex_);
            for (auto it = queue_.begin(); it != queue_.end(); ++it)
                if (*it == job) {
                    queue_.erase(it);
                    break;
                }
        }
        std::unique_lock<std::mutex> lock(job->mutex);
        job->finished.wait(lock, [&] { return job->done == job->tasks; });
        if (job->error) std::rethrow_exception(job->error);
    }

private:
    void loop() {
        for (;;) {
            std::shared_ptr<Job> job;
            {
                std::unique_lock<std::mutex> lock(mutex_);
                wake_.wait(lock, [&] { return !queue_.empty(); });
                job = queue_.front();
                if (--job->helpers_wanted == 0) queue_.pop_front();
            }
            job->work();
        }
    }

    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::shared_ptr<Job>> queue_;
    std::vector<std::thread> workers_;
};

// Never destroyed: workers block forever in loop(), and joining them from a
// static destructor at interpreter exit would hang.
Pool* g_pool = nullptr;
std::once_flag g_pool_once;

Pool& pool() {
    std::call_once(g_pool_once, [] {
        g_pool = new Pool();
        // A forked child has none of the parent's threads: give it a fresh
        // pool (the old one is abandoned, its workers exist only in the parent).
        pthread_atfork(nullptr, nullptr, [] { g_pool = new Pool(); });
    });
    return *g_pool;
}

}  // namespace

std::size_t available_cores() {
#if defined(__linux__)
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof(set), &set) == 0) {
        const int n = CPU_COUNT(&set);
        if (n > 0) return static_cast<std::size_t>(n);
    }
#endif
    const unsigned n = std::thread::hardware_concurrency();
    return n == 0 ? 1 : n;
}

void parallel_for(std::size_t tasks, std::size_t threads, const std::function<void(std::size_t)>& fn) {
    if (threads > tasks) threads = tasks;
    if (threads <= 1) {
        for (std::size_t t = 0; t < tasks; ++t) fn(t);
        return;
    }
    pool().run(tasks, threads, fn);
}

}  // namespace pyrec
