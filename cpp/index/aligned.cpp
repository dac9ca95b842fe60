#include "index/aligned.hpp"

#include <cstdlib>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace pyrec::index {
namespace {

constexpr std::size_t kLine = 64;
constexpr std::size_t kHugePage = std::size_t{2} << 20;
// Same threshold as numpy's huge-page hint.
constexpr std::size_t kHugeThreshold = std::size_t{4} << 20;

inline std::size_t round_up(std::size_t n, std::size_t to) { return (n + to - 1) / to * to; }

}  // namespace

void* aligned_allocate(std::size_t bytes) {
    const bool huge = bytes >= kHugeThreshold;
    const std::size_t align = huge ? kHugePage : kLine;
    if (bytes > static_cast<std::size_t>(-1) - align) throw std::bad_alloc();
    // aligned_alloc wants a size that is a multiple of the alignment.
    const std::size_t size = round_up(bytes == 0 ? 1 : bytes, align);
    void* p = std::aligned_alloc(align, size);
    if (p == nullptr) throw std::bad_alloc();
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (huge) madvise(p, size, MADV_HUGEPAGE);  // a hint: failure is harmless
#endif
    return p;
}

void aligned_free(void* p, std::size_t) noexcept { std::free(p); }

}  // namespace pyrec::index
