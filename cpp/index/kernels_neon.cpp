// NEON kernels for arm64 (baseline AdvSIMD only: no SVE, no dot-product
// extension). Tails are copied into a zero-padded stack buffer and then go
// through the same vector code as full chunks.
#include <arm_neon.h>

#include <cstring>

#include "index/kernels.hpp"
#include "index/tiling.hpp"

namespace pyrec::index::neon {
namespace {

// Copies n < N elements into a zero-padded buffer of N.
template <std::size_t N, class T>
struct Padded {
    T v[N] = {};
    Padded(const T* p, std::size_t n) { std::memcpy(v, p, n * sizeof(T)); }
};

struct Isa {
    using V = float32x4_t;
    using I = int32x4_t;
    using B = int8x16_t;
    using FTail = std::size_t;
    using ITail = std::size_t;
    static constexpr std::size_t kLanes = 4;
    static constexpr std::size_t kCodes = 16;
    // Four rows at a time for a single query: 4-lane FMA chains are long, so
    // several rows give the core independent work (x86 prefers one row; this
    // is unmeasured on arm64 hardware).
    static constexpr int kRowsSingle = 4;
    // No separate tile for a few queries (unmeasured): the batch tile throughout.
    static constexpr int kRowsStream = 4;
    static constexpr int kQueriesStream = 4;
    static constexpr int kStreamBelow = 0;
    // 32 vector registers: 4 rows x 4 queries = 16 accumulators + 4 rows + 1 query.
    static constexpr int kRowsBatch = 4;
    static constexpr int kQueriesBatch = 4;
    static constexpr std::int32_t kCodeBias = 0;

    static FTail ftail(std::size_t n) { return n; }
    static ITail itail(std::size_t n) { return n; }

    static V zero() { return vdupq_n_f32(0.0f); }
    static V load(const float* p) { return vld1q_f32(p); }
    static V load(const float* p, FTail n) { return load(Padded<4, float>(p, n).v); }
    static V load(const std::uint16_t* p) { return vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(p))); }
    static V load(const std::uint16_t* p, FTail n) { return load(Padded<4, std::uint16_t>(p, n).v); }
    static V fma(V acc, V q, V x) { return vfmaq_f32(acc, q, x); }

    static I izero() { return vdupq_n_s32(0); }
    static B row_codes(const std::int8_t* p) { return vld1q_s8(p); }
    static B row_codes(const std::int8_t* p, ITail n) { return vld1q_s8(Padded<16, std::int8_t>(p, n).v); }
    static B query_codes(const std::int8_t* p) { return vld1q_s8(p); }
    static B query_codes(const std::int8_t* p, ITail n) { return row_codes(p, n); }
    // 8x8 -> 16-bit products (|127 * 127| fits), pairwise-added into int32 lanes.
    static I mac(I acc, B q, B x) {
        acc = vpadalq_s16(acc, vmull_s8(vget_low_s8(q), vget_low_s8(x)));
        return vpadalq_s16(acc, vmull_high_s8(q, x));
    }

    // Lane sums as a tree: (0+1), (2+3), then the two; reduce4 does the same
    // additions for four accumulators with pairwise adds.
    static float reduce1(V v) {
        const float32x2_t p = vpadd_f32(vget_low_f32(v), vget_high_f32(v));
        return vget_lane_f32(vpadd_f32(p, p), 0);
    }
    static void reduce4(const V* a, float* out) {
        vst1q_f32(out, vpaddq_f32(vpaddq_f32(a[0], a[1]), vpaddq_f32(a[2], a[3])));
    }
    static std::int32_t reduce1(I v) { return vaddvq_s32(v); }
    static void reduce4(const I* a, std::int32_t* out) {
        vst1q_s32(out, vpaddq_s32(vpaddq_s32(a[0], a[1]), vpaddq_s32(a[2], a[3])));
    }
};

// vcvt_f16_f32 rounds with the FPCR mode, which is round-to-nearest-even
// unless a program changes it (CPython does not).
void to_f16(const float* in, std::uint16_t* out, std::size_t n) {
    std::size_t i = 0;
    for (; i + 4 <= n; i += 4) vst1_u16(out + i, vreinterpret_u16_f16(vcvt_f16_f32(vld1q_f32(in + i))));
    if (i < n) {
        std::uint16_t buf[4];
        vst1_u16(buf, vreinterpret_u16_f16(vcvt_f16_f32(Isa::load(in + i, n - i))));
        std::memcpy(out + i, buf, (n - i) * sizeof(std::uint16_t));
    }
}

void from_f16(const std::uint16_t* in, float* out, std::size_t n) {
    std::size_t i = 0;
    for (; i + 4 <= n; i += 4) vst1q_f32(out + i, Isa::load(in + i));
    if (i < n) {
        float buf[4];
        vst1q_f32(buf, Isa::load(in + i, n - i));
        std::memcpy(out + i, buf, (n - i) * sizeof(float));
    }
}

}  // namespace

const Kernels table = {Dot<Isa>::f32, Dot<Isa>::f16, Dot<Isa>::i8, to_f16, from_f16};

}  // namespace pyrec::index::neon
