// NEON kernels for arm64 (baseline AdvSIMD only: no SVE, no dot-product
// extension). Tails are copied into a zero-padded stack buffer and then go
// through the same vector code as full chunks.
#include <arm_neon.h>

#include <cstring>

#include "index/kernels.hpp"
#include "index/tiling.hpp"

namespace pyrec::index::neon {
namespace {

// Four rows at a time for a single query: 4-lane FMA chains are long, so
// several rows give the core independent work (x86 prefers one row; this
// is unmeasured on arm64 hardware).
constexpr int kRowsSingle = 4;
// 32 vector registers: 4 rows x 4 queries = 16 accumulators + 4 rows + 1 query.
constexpr int kRowsBatch = 4;
constexpr int kQueriesBatch = 4;

struct LoadF32 {
    static float32x4_t full(const float* p) { return vld1q_f32(p); }
    static float32x4_t tail(const float* p, std::size_t n) {
        float buf[4] = {};
        std::memcpy(buf, p, n * sizeof(float));
        return vld1q_f32(buf);
    }
};

struct LoadF16 {
    static float32x4_t full(const std::uint16_t* p) { return vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(p))); }
    static float32x4_t tail(const std::uint16_t* p, std::size_t n) {
        std::uint16_t buf[4] = {};
        std::memcpy(buf, p, n * sizeof(std::uint16_t));
        return full(buf);
    }
};

template <class Load, int R, int Q, class Row>
inline void float_tile(const float* queries, const Row* rows, std::size_t dim, float* out, std::size_t out_stride) {
    float32x4_t acc[Q][R];
#pragma GCC unroll 16
    for (int q = 0; q < Q; ++q)
#pragma GCC unroll 16
        for (int r = 0; r < R; ++r) acc[q][r] = vdupq_n_f32(0.0f);
    std::size_t i = 0;
    for (; i + 4 <= dim; i += 4) {
        float32x4_t x[R];
#pragma GCC unroll 16
        for (int r = 0; r < R; ++r) x[r] = Load::full(rows + r * dim + i);
#pragma GCC unroll 16
        for (int q = 0; q < Q; ++q) {
            const float32x4_t qv = vld1q_f32(queries + q * dim + i);
#pragma GCC unroll 16
            for (int r = 0; r < R; ++r) acc[q][r] = vfmaq_f32(acc[q][r], qv, x[r]);
        }
    }
    if (i < dim) {
        const std::size_t n = dim - i;
        float32x4_t x[R];
#pragma GCC unroll 16
        for (int r = 0; r < R; ++r) x[r] = Load::tail(rows + r * dim + i, n);
#pragma GCC unroll 16
        for (int q = 0; q < Q; ++q) {
            const float32x4_t qv = LoadF32::tail(queries + q * dim + i, n);
#pragma GCC unroll 16
            for (int r = 0; r < R; ++r) acc[q][r] = vfmaq_f32(acc[q][r], qv, x[r]);
        }
    }
#pragma GCC unroll 16
    for (int q = 0; q < Q; ++q)
#pragma GCC unroll 16
        for (int r = 0; r < R; ++r) out[q * out_stride + r] = vaddvq_f32(acc[q][r]);
}

template <class Load, class Row>
void float_dot(const float* queries, std::size_t nq, const Row* rows, std::size_t nr, std::size_t dim, float* out,
               std::size_t out_stride) {
    auto tile = [&](auto rc, auto qc, std::size_t q, std::size_t r) {
        float_tile<Load, decltype(rc)::value, decltype(qc)::value>(queries + q * dim, rows + r * dim, dim,
                                                                   out + q * out_stride + r, out_stride);
    };
    if (nq < kQueriesBatch)
        cover<kRowsSingle, 1>(nq, nr, tile);
    else
        cover<kRowsBatch, kQueriesBatch>(nq, nr, tile);
}

void dot_f32(const float* queries, std::size_t nq, const float* rows, std::size_t nr, std::size_t dim,
             float* out, std::size_t out_stride) {
    float_dot<LoadF32>(queries, nq, rows, nr, dim, out, out_stride);
}

void dot_f16(const float* queries, std::size_t nq, const std::uint16_t* rows, std::size_t nr,
             std::size_t dim, float* out, std::size_t out_stride) {
    float_dot<LoadF16>(queries, nq, rows, nr, dim, out, out_stride);
}

inline int8x16_t load16(const std::int8_t* p) { return vld1q_s8(p); }

inline int8x16_t load16_tail(const std::int8_t* p, std::size_t n) {
    std::int8_t buf[16] = {};
    std::memcpy(buf, p, n);
    return vld1q_s8(buf);
}

// 8x8 -> 16-bit products (|127 * 127| fits), pairwise-added into int32 lanes.
inline int32x4_t mac16(int32x4_t acc, int8x16_t a, int8x16_t b) {
    acc = vpadalq_s16(acc, vmull_s8(vget_low_s8(a), vget_low_s8(b)));
    return vpadalq_s16(acc, vmull_high_s8(a, b));
}

template <int R, int Q>
inline void int8_tile(const std::int8_t* queries, const std::int8_t* rows, std::size_t dim, std::int32_t* out,
                      std::size_t out_stride) {
    int32x4_t acc[Q][R];
#pragma GCC unroll 16
    for (int q = 0; q < Q; ++q)
#pragma GCC unroll 16
        for (int r = 0; r < R; ++r) acc[q][r] = vdupq_n_s32(0);
    std::size_t i = 0;
    for (; i + 16 <= dim; i += 16) {
        int8x16_t x[R];
#pragma GCC unroll 16
        for (int r = 0; r < R; ++r) x[r] = load16(rows + r * dim + i);
#pragma GCC unroll 16
        for (int q = 0; q < Q; ++q) {
            const int8x16_t qv = load16(queries + q * dim + i);
#pragma GCC unroll 16
            for (int r = 0; r < R; ++r) acc[q][r] = mac16(acc[q][r], qv, x[r]);
        }
    }
    if (i < dim) {
        const std::size_t n = dim - i;
        int8x16_t x[R];
#pragma GCC unroll 16
        for (int r = 0; r < R; ++r) x[r] = load16_tail(rows + r * dim + i, n);
#pragma GCC unroll 16
        for (int q = 0; q < Q; ++q) {
            const int8x16_t qv = load16_tail(queries + q * dim + i, n);
#pragma GCC unroll 16
            for (int r = 0; r < R; ++r) acc[q][r] = mac16(acc[q][r], qv, x[r]);
        }
    }
#pragma GCC unroll 16
    for (int q = 0; q < Q; ++q)
#pragma GCC unroll 16
        for (int r = 0; r < R; ++r) out[q * out_stride + r] = vaddvq_s32(acc[q][r]);
}

void dot_i8(const std::int8_t* queries, std::size_t nq, const std::int8_t* rows, std::size_t nr,
            std::size_t dim, std::int32_t* out, std::size_t out_stride) {
    auto tile = [&](auto rc, auto qc, std::size_t q, std::size_t r) {
        int8_tile<decltype(rc)::value, decltype(qc)::value>(queries + q * dim, rows + r * dim, dim,
                                                            out + q * out_stride + r, out_stride);
    };
    if (nq < kQueriesBatch)
        cover<kRowsSingle, 1>(nq, nr, tile);
    else
        cover<kRowsBatch, kQueriesBatch>(nq, nr, tile);
}

// vcvt_f16_f32 rounds with the FPCR mode, which is round-to-nearest-even
// unless a program changes it (CPython does not).
void to_f16(const float* in, std::uint16_t* out, std::size_t n) {
    std::size_t i = 0;
    for (; i + 4 <= n; i += 4) vst1_u16(out + i, vreinterpret_u16_f16(vcvt_f16_f32(vld1q_f32(in + i))));
    if (i < n) {
        std::uint16_t buf[4];
        vst1_u16(buf, vreinterpret_u16_f16(vcvt_f16_f32(LoadF32::tail(in + i, n - i))));
        std::memcpy(out + i, buf, (n - i) * sizeof(std::uint16_t));
    }
}

void from_f16(const std::uint16_t* in, float* out, std::size_t n) {
    std::size_t i = 0;
    for (; i + 4 <= n; i += 4) vst1q_f32(out + i, LoadF16::full(in + i));
    if (i < n) {
        float buf[4];
        vst1q_f32(buf, LoadF16::tail(in + i, n - i));
        std::memcpy(out + i, buf, (n - i) * sizeof(float));
    }
}

}  // namespace

const Kernels table = {dot_f32, dot_f16, dot_i8, to_f16, from_f16};

}  // namespace pyrec::index::neon
