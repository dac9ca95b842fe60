#include "als/parallel.hpp"

#if defined(__linux__)
#include <sched.h>
#endif

namespace pyrec::als {

int resolve_threads(int requested) {
    if (requested > 0) return requested;
#if defined(__linux__)
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof(set), &set) == 0) {
        const int n = CPU_COUNT(&set);
        if (n > 0) return n;
    }
#endif
    const unsigned hc = std::thread::hardware_concurrency();
    return hc > 0 ? static_cast<int>(hc) : 1;
}

}  // namespace pyrec::als
