// The register-tiled dot-product kernels, written once over an ISA's
// primitives. Included only by the kernels_<isa>.cpp files, each of which
// defines a traits struct `Isa` and instantiates Dot<Isa>; the anonymous
// namespace gives every ISA file its own copy compiled with its own flags
// (nothing shared at link time).
//
// A tile scores Q queries against R consecutive rows with Q x R vector
// accumulators: each step loads R row chunks and Q query chunks for Q * R
// multiply-adds, so a block of rows is read once per Q queries. Every
// (query, row) pair has its own accumulator walked over the dimensions in the
// same order, and Isa::reduce1/reduce4 add the lanes of accumulators in one fixed
// tree whatever R is, so a pair scores bit-identically in any tile shape
// (single query or batch, full tile or tail).
//
// What Isa provides (V: float vector, I: int32 accumulator, B: int8 chunk):
//   kLanes            floats per V;   kCodes: int8 codes per mac step
//   kRowsSingle       rows per tile when there is one query
//   kRowsStream x kQueriesStream: the tile for 2 .. kStreamBelow - 1 queries
//   kRowsBatch x kQueriesBatch: the tile for larger batches
//   kCodeBias         VNNI's unsigned offset (0 when codes are signed)
//   FTail ftail(n)    / ITail itail(n): how a partial chunk of n is described
//   V zero(); V load(const float*|const uint16_t*); V load(p, FTail); V fma(acc, q, x)
//   I izero(); B row_codes(p[, ITail]); B query_codes(p[, ITail]); I mac(acc, q, x)
//   reduce1(V) -> float, reduce4(const V*, float*), and the same for I -> int32_t:
//   lane sums of one / four accumulators, added in one tree
#pragma once
#include <cstddef>
#include <cstdint>

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

// A single query walks kRowsSingle rows at a time. A few queries (below
// kStreamBelow) stream the rows in order with kRowsStream x kQueriesStream
// tiles: each row is read once from memory, so reading rows strictly in
// sequence matters more than loads per FMA. Larger batches use the
// kRowsBatch x kQueriesBatch tile, whose rows the scan keeps in cache.
template <class Isa, class Tile>
inline void cover_all(std::size_t nq, std::size_t nr, const Tile& tile) {
    if (nq == 1)
        cover<Isa::kRowsSingle, 1>(nq, nr, tile);
    else if (nq < static_cast<std::size_t>(Isa::kStreamBelow))
        cover<Isa::kRowsStream, Isa::kQueriesStream>(nq, nr, tile);
    else
        cover<Isa::kRowsBatch, Isa::kQueriesBatch>(nq, nr, tile);
}

// Reduces R accumulators with the ISA's 4-wide routine where it can and the
// single one otherwise (both add lanes in the same tree).
template <class Isa, int R, class A, class T>
inline void reduce_rows(const A* acc, T* out) {
    int r = 0;
    for (; r + 4 <= R; r += 4) Isa::reduce4(acc + r, out + r);
    for (; r < R; ++r) out[r] = Isa::reduce1(acc[r]);
}

// Writes the lane sums of a Q x R tile to out[q * out_stride + r]. One row
// against several queries reduces four queries at a time instead.
template <class Isa, int R, int Q, class A, class T>
inline void reduce_tile(const A (&acc)[Q][R], T* out, std::size_t out_stride) {
    if constexpr (R == 1 && Q % 4 == 0) {
#pragma GCC unroll 16
        for (int q = 0; q < Q; q += 4) {
            const A column[4] = {acc[q][0], acc[q + 1][0], acc[q + 2][0], acc[q + 3][0]};
            T sums[4];
            Isa::reduce4(column, sums);
#pragma GCC unroll 4
            for (int j = 0; j < 4; ++j) out[(q + j) * out_stride] = sums[j];
        }
    } else {
#pragma GCC unroll 16
        for (int q = 0; q < Q; ++q) reduce_rows<Isa, R>(acc[q], out + q * out_stride);
    }
}

// The two kinds of tile over one ISA: float rows (f32 or f16) against float
// queries, and int8 codes against int8 codes.
template <class Isa>
struct FloatOps {
    using Acc = typename Isa::V;
    using Chunk = typename Isa::V;
    static constexpr std::size_t kStep = Isa::kLanes;
    static Acc zero() { return Isa::zero(); }
    static auto tail(std::size_t n) { return Isa::ftail(n); }
    template <class Row, class... Tail>
    static Chunk row(const Row* p, Tail... t) { return Isa::load(p, t...); }
    template <class... Tail>
    static Chunk query(const float* p, Tail... t) { return Isa::load(p, t...); }
    static Acc mac(Acc acc, Chunk q, Chunk x) { return Isa::fma(acc, q, x); }
};

template <class Isa>
struct Int8Ops {
    using Acc = typename Isa::I;
    using Chunk = typename Isa::B;
    static constexpr std::size_t kStep = Isa::kCodes;
    static Acc zero() { return Isa::izero(); }
    static auto tail(std::size_t n) { return Isa::itail(n); }
    template <class... Tail>
    static Chunk row(const std::int8_t* p, Tail... t) { return Isa::row_codes(p, t...); }
    template <class... Tail>
    static Chunk query(const std::int8_t* p, Tail... t) { return Isa::query_codes(p, t...); }
    static Acc mac(Acc acc, Chunk q, Chunk x) { return Isa::mac(acc, q, x); }
};

template <class Isa>
struct Dot {
    // One multiply-add step of a tile: rows and queries at offset i.
    template <class Ops, int R, int Q, class Query, class Row, class... Tail>
    static inline void step(typename Ops::Acc (&acc)[Q][R], const Query* queries, const Row* rows, std::size_t dim,
                            std::size_t i, Tail... tail) {
        typename Ops::Chunk x[R];
#pragma GCC unroll 16
        for (int r = 0; r < R; ++r) x[r] = Ops::row(rows + r * dim + i, tail...);
#pragma GCC unroll 16
        for (int q = 0; q < Q; ++q) {
            const typename Ops::Chunk qv = Ops::query(queries + q * dim + i, tail...);
#pragma GCC unroll 16
            for (int r = 0; r < R; ++r) acc[q][r] = Ops::mac(acc[q][r], qv, x[r]);
        }
    }

    template <class Ops, int R, int Q, class Query, class Row, class Out>
    static inline void tile(const Query* queries, const Row* rows, std::size_t dim, Out* out, std::size_t out_stride) {
        typename Ops::Acc acc[Q][R];
#pragma GCC unroll 16
        for (int q = 0; q < Q; ++q)
#pragma GCC unroll 16
            for (int r = 0; r < R; ++r) acc[q][r] = Ops::zero();
        std::size_t i = 0;
        for (; i + Ops::kStep <= dim; i += Ops::kStep) step<Ops, R, Q>(acc, queries, rows, dim, i);
        if (i < dim) step<Ops, R, Q>(acc, queries, rows, dim, i, Ops::tail(dim - i));
        reduce_tile<Isa>(acc, out, out_stride);
    }

    template <class Ops, class Query, class Row, class Out>
    static void cover_tiles(const Query* queries, std::size_t nq, const Row* rows, std::size_t nr, std::size_t dim,
                            Out* out, std::size_t out_stride) {
        cover_all<Isa>(nq, nr, [&](auto rc, auto qc, std::size_t q, std::size_t r) {
            tile<Ops, decltype(rc)::value, decltype(qc)::value>(queries + q * dim, rows + r * dim, dim,
                                                               out + q * out_stride + r, out_stride);
        });
    }

    static void f32(const float* queries, std::size_t nq, const float* rows, std::size_t nr, std::size_t dim,
                    float* out, std::size_t out_stride) {
        cover_tiles<FloatOps<Isa>>(queries, nq, rows, nr, dim, out, out_stride);
    }

    static void f16(const float* queries, std::size_t nq, const std::uint16_t* rows, std::size_t nr,
                    std::size_t dim, float* out, std::size_t out_stride) {
        cover_tiles<FloatOps<Isa>>(queries, nq, rows, nr, dim, out, out_stride);
    }

    // With a code bias (VNNI), each query's dot products come out too large
    // by kCodeBias * sum(query codes): subtracted here.
    static void i8(const std::int8_t* queries, std::size_t nq, const std::int8_t* rows, std::size_t nr,
                   std::size_t dim, std::int32_t* out, std::size_t out_stride) {
        cover_tiles<Int8Ops<Isa>>(queries, nq, rows, nr, dim, out, out_stride);
        if constexpr (Isa::kCodeBias != 0)
            for (std::size_t q = 0; q < nq; ++q) {
                const std::int8_t* v = queries + q * dim;
                std::int32_t s = 0;
                for (std::size_t d = 0; d < dim; ++d) s += v[d];
                std::int32_t* o = out + q * out_stride;
                for (std::size_t r = 0; r < nr; ++r) o[r] -= Isa::kCodeBias * s;
            }
    }
};

}  // namespace
}  // namespace pyrec::index
