// Covers an nq x nr (queries x rows) grid with fixed-size register tiles.
// Included only by kernel files; the anonymous namespace gives every ISA file
// its own copy compiled with its own flags (nothing shared at link time).
#pragma once
#include <cstddef>

namespace pyrec::index {
namespace {

template <int N>
struct Const {
    static constexpr int value = N;
};

// Calls tile(Const<R'>, Const<Q'>, q, r) for R' in {R, 1}, Q' in {Q, 1}:
// full R x Q tiles first, then single queries, then single rows.
template <int R, int Q, class Tile>
inline void cover(std::size_t nq, std::size_t nr, const Tile& tile) {
    std::size_t r = 0;
    for (; r + R <= nr; r += R) {
        std::size_t q = 0;
        for (; q + Q <= nq; q += Q) tile(Const<R>{}, Const<Q>{}, q, r);
        for (; q < nq; ++q) tile(Const<R>{}, Const<1>{}, q, r);
    }
    for (; r < nr; ++r) {
        std::size_t q = 0;
        for (; q + Q <= nq; q += Q) tile(Const<1>{}, Const<Q>{}, q, r);
        for (; q < nq; ++q) tile(Const<1>{}, Const<1>{}, q, r);
    }
}

}  // namespace
}  // namespace pyrec::index
