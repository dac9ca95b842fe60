// The iALS kernels written once over an instruction set's primitives.
// Included only by the kernels_<isa>.cpp files, each of which defines a traits
// struct `Isa` and builds its table with make_kernels<Isa>(); the anonymous
// namespace gives every ISA file its own copy compiled with its own flags
// (nothing shared at link time). For the same reason nothing here may
// instantiate a std:: function template (std::integer_sequence is a type only).
//
// What Isa provides:
//   kName                          the table's name
//   dot(a, b, n), axpy(t, x, y, n)  the generic loops (y += t x)
//   kMaxChunks                     cg_apply uses register-array kernels for
//                                  n <= kMaxChunks * kLanes (0: never)
//   kScoreChunks                   the same for score_rows
// and, where either is non-zero (V: float vector, Tail: a partial chunk):
//   kLanes                         floats per V
//   kHoldRows                      keep v and each item row in registers for a
//                                  whole item (true) or re-read them from L1
//   Tail tail(count)               the low `count` lanes, 1..kLanes
//   V zero(); V set1(float); V load(p); V load(p, Tail) (zero past the tail)
//   V mul(a, b); V fma(a, b, c) = a * b + c; float hsum(V)
//   store(p, V); store(p, Tail, V); prefetch(p) (into L1)
//
// kHoldRows moves loads only, never the arithmetic: each ISA's results are
// what its hand-written kernels gave, bit for bit.
#pragma once
#include <cstdint>
#include <utility>

#include "als/kernels.hpp"

namespace pyrec::als {
namespace {

#include "als/dense_double.inl"

// The n floats at p as NV chunks of Isa::V, the last one partial.
template <class Isa, int NV, bool Hold = Isa::kHoldRows>
struct Chunks;

// Loaded once into registers.
template <class Isa, int NV>
struct Chunks<Isa, NV, true> {
    typename Isa::V r[NV];
    Chunks(const float* p, typename Isa::Tail last) {
#pragma GCC unroll 16
        for (int q = 0; q < NV - 1; ++q) r[q] = Isa::load(p + Isa::kLanes * q);
        r[NV - 1] = Isa::load(p + Isa::kLanes * (NV - 1), last);
    }
    typename Isa::V operator[](int q) const { return r[q]; }
};

// Read from memory at each use.
template <class Isa, int NV>
struct Chunks<Isa, NV, false> {
    const float* p;
    typename Isa::Tail last;
    Chunks(const float* p_, typename Isa::Tail last_) : p(p_), last(last_) {}
    typename Isa::V operator[](int q) const {
        return q < NV - 1 ? Isa::load(p + Isa::kLanes * q) : Isa::load(p + Isa::kLanes * q, last);
    }
};

constexpr int64_t kPrefetchAhead = 8;

// out = gscale * G v + sum_k (a_k + b_k * (y_k · v)) * y_k (see Kernels::cg_apply).
template <class Isa>
struct CgApply {
    // For n in (kLanes * (NV - 1), kLanes * NV]: the accumulator is a register
    // array for a whole user's item list.
    template <int NV>
    static void fixed(const float* G, float gscale, const float* Y, const int32_t* rows, const float* a,
                      const float* b, int64_t m, const float* v, float* out, int n) {
        using V = typename Isa::V;
        constexpr int L = Isa::kLanes;
        // 64-byte lines a row of n floats can touch: ceil(n / 16) for every such n.
        constexpr int kLines = (NV * L + 15) / 16;
        const typename Isa::Tail last = Isa::tail(n - L * (NV - 1));
        const Chunks<Isa, NV> vv(v, last);
        V acc[NV];
#pragma GCC unroll 16
        for (int q = 0; q < NV; ++q) acc[q] = Isa::zero();
        for (int j = 0; j < n; ++j) {  // G is symmetric: G v = sum_j v_j G[j, :]
            const V s = Isa::set1(gscale * v[j]);
            const Chunks<Isa, NV> g(G + static_cast<int64_t>(j) * n, last);
#pragma GCC unroll 16
            for (int q = 0; q < NV; ++q) acc[q] = Isa::fma(s, g[q], acc[q]);
        }
        for (int64_t k = 0; k < m; ++k) {
            if (k + kPrefetchAhead < m) {  // item rows are scattered: fetch them ahead of use
                const char* ahead =
                    reinterpret_cast<const char*>(Y + static_cast<int64_t>(rows[k + kPrefetchAhead]) * n);
#pragma GCC unroll 16
                for (int l = 0; l < kLines; ++l) Isa::prefetch(ahead + 64 * l);
                Isa::prefetch(ahead + 4 * n - 1);  // a row need not start on a cache line
            }
            const Chunks<Isa, NV> y(Y + static_cast<int64_t>(rows[k]) * n, last);
            V d = Isa::mul(y[0], vv[0]);
#pragma GCC unroll 16
            for (int q = 1; q < NV; ++q) d = Isa::fma(y[q], vv[q], d);
            const V st = Isa::set1((a ? a[k] : 0.0f) + b[k] * Isa::hsum(d));
#pragma GCC unroll 16
            for (int q = 0; q < NV; ++q) acc[q] = Isa::fma(st, y[q], acc[q]);
        }
#pragma GCC unroll 16
        for (int q = 0; q < NV - 1; ++q) Isa::store(out + L * q, acc[q]);
        Isa::store(out + L * (NV - 1), last, acc[NV - 1]);
    }

    // Any n: one dot and one axpy per item row.
    static void any(const float* G, float gscale, const float* Y, const int32_t* rows, const float* a,
                    const float* b, int64_t m, const float* v, float* __restrict out, int n) {
        for (int c = 0; c < n; ++c) out[c] = 0.0f;
        for (int j = 0; j < n; ++j) {  // G is symmetric: G v = sum_j v_j G[j, :]
            const float* __restrict g = G + static_cast<int64_t>(j) * n;
            Isa::axpy(gscale * v[j], g, out, n);
        }
        for (int64_t k = 0; k < m; ++k) {
            const float* __restrict y = Y + static_cast<int64_t>(rows[k]) * n;
            Isa::axpy((a ? a[k] : 0.0f) + b[k] * Isa::dot(y, v, n), y, out, n);
        }
    }
};

// scores[i] = q · Y[i] for `count` contiguous rows (see Kernels::score_rows).
template <class Isa>
struct ScoreRows {
    // For n in (kLanes * (NV - 1), kLanes * NV]: the query stays in registers.
    template <int NV>
    static void fixed(const float* q, const float* Y, int64_t count, int n, float* scores) {
        using V = typename Isa::V;
        const typename Isa::Tail last = Isa::tail(n - Isa::kLanes * (NV - 1));
        const Chunks<Isa, NV> qq(q, last);
        for (int64_t i = 0; i < count; ++i) {
            const Chunks<Isa, NV> y(Y + i * n, last);
            V d = Isa::mul(y[0], qq[0]);
#pragma GCC unroll 16
            for (int r = 1; r < NV; ++r) d = Isa::fma(y[r], qq[r], d);
            scores[i] = Isa::hsum(d);
        }
    }

    static void any(const float* q, const float* Y, int64_t count, int n, float* scores) {
        for (int64_t i = 0; i < count; ++i) scores[i] = Isa::dot(q, Y + i * n, n);
    }
};

// Op::fixed<chunks>(args...) when 1 <= chunks <= sizeof...(NV), else Op::any(args...).
template <class Op, int... NV, class... Args>
inline void by_chunks(std::integer_sequence<int, NV...>, int chunks, Args... args) {
    if constexpr (sizeof...(NV) > 0) {
        using Fn = void (*)(Args...);
        static constexpr Fn fixed[] = {&Op::template fixed<NV + 1>...};
        if (chunks >= 1 && chunks <= static_cast<int>(sizeof...(NV))) return fixed[chunks - 1](args...);
    }
    Op::any(args...);
}

template <class Isa>
int chunks_of(int n) {
    if constexpr (Isa::kMaxChunks > 0 || Isa::kScoreChunks > 0)
        return (n + Isa::kLanes - 1) / Isa::kLanes;
    else
        return 0;
}

template <class Isa>
void cg_apply(const float* G, float gscale, const float* Y, const int32_t* rows, const float* a, const float* b,
              int64_t m, const float* v, float* out, int n) {
    by_chunks<CgApply<Isa>>(std::make_integer_sequence<int, Isa::kMaxChunks>{}, chunks_of<Isa>(n), G, gscale, Y,
                            rows, a, b, m, v, out, n);
}

template <class Isa>
void score_rows(const float* q, const float* Y, int64_t count, int n, float* scores) {
    by_chunks<ScoreRows<Isa>>(std::make_integer_sequence<int, Isa::kScoreChunks>{}, chunks_of<Isa>(n), q, Y,
                              count, n, scores);
}

template <class Isa>
constexpr Kernels make_kernels() {
    return {Isa::kName, Isa::dot, cg_apply<Isa>, score_rows<Isa>, rank_update_impl, cholesky_solve_impl};
}

}  // namespace
}  // namespace pyrec::als
