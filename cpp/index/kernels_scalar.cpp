// Portable kernels: the reference every SIMD level is tested against, and the
// fallback on CPUs without AVX2/NEON. Eight partial sums per pair mimic a
// vector register (and let the compiler use SSE2) while keeping one fixed
// summation order for every tile shape.
#include <cstring>

#include "index/kernels.hpp"
#include "simd/scalar_ops.hpp"

namespace pyrec::index::scalar {
namespace {

using simd::scalar::kLanes;

inline std::uint32_t bits_of(float f) {
    std::uint32_t u;
    std::memcpy(&u, &f, sizeof u);
    return u;
}

inline float float_of(std::uint32_t u) {
    float f;
    std::memcpy(&f, &u, sizeof f);
    return f;
}

float half_to_float(std::uint16_t h) {
    const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
    const std::uint32_t exp = (h >> 10) & 0x1fu;
    const std::uint32_t mant = h & 0x3ffu;
    if (exp == 0) {  // zero or subnormal: mant * 2^-24 is exact in float
        const float mag = static_cast<float>(mant) * 0x1p-24f;
        return float_of(bits_of(mag) | sign);
    }
    if (exp == 31) return float_of(sign | 0x7f800000u | (mant << 13));
    return float_of(sign | ((exp + 112u) << 23) | (mant << 13));
}

std::uint16_t float_to_half(float f) {
    std::uint32_t u = bits_of(f);
    const std::uint16_t sign = static_cast<std::uint16_t>((u >> 16) & 0x8000u);
    u &= 0x7fffffffu;
    if (u > 0x7f800000u) return sign | 0x7e00u;  // NaN stays NaN
    if (u >= 0x47800000u) return sign | 0x7c00u;  // >= 65536 (or inf): infinity
    if (u < 0x38800000u) {
        // Result is subnormal (or zero): adding 0.5 aligns the float so that
        // its low mantissa bits are the half's, rounded by the FPU (RNE).
        const float aligned = float_of(u) + 0.5f;
        return sign | static_cast<std::uint16_t>(bits_of(aligned) - bits_of(0.5f));
    }
    // Normal: rebias the exponent, round the 13 dropped bits to nearest even;
    // a carry out of the mantissa correctly bumps the exponent (up to inf).
    const std::uint32_t odd = (u >> 13) & 1u;
    u += 0xc8000fffu + odd;  // (15 - 127) << 23, plus rounding bias
    return sign | static_cast<std::uint16_t>(u >> 13);
}

template <class Row, class Load>
void dot_tiles(const float* queries, std::size_t nq, const Row* rows, std::size_t nr, std::size_t dim,
               float* out, std::size_t out_stride, Load load) {
    for (std::size_t q = 0; q < nq; ++q) {
        const float* qv = queries + q * dim;
        for (std::size_t r = 0; r < nr; ++r) {
            const Row* x = rows + r * dim;
            float acc[kLanes] = {};
            for (std::size_t i = 0; i < dim; ++i) acc[i % kLanes] += qv[i] * load(x[i]);
            out[q * out_stride + r] = simd::scalar::sum_lanes(acc);
        }
    }
}

void dot_f32(const float* queries, std::size_t nq, const float* rows, std::size_t nr, std::size_t dim,
             float* out, std::size_t out_stride) {
    dot_tiles(queries, nq, rows, nr, dim, out, out_stride, [](float x) { return x; });
}

void dot_f16(const float* queries, std::size_t nq, const std::uint16_t* rows, std::size_t nr,
             std::size_t dim, float* out, std::size_t out_stride) {
    dot_tiles(queries, nq, rows, nr, dim, out, out_stride, half_to_float);
}

void dot_i8(const std::int8_t* queries, std::size_t nq, const std::int8_t* rows, std::size_t nr,
            std::size_t dim, std::int32_t* out, std::size_t out_stride) {
    for (std::size_t q = 0; q < nq; ++q) {
        const std::int8_t* qv = queries + q * dim;
        for (std::size_t r = 0; r < nr; ++r) {
            const std::int8_t* x = rows + r * dim;
            std::int32_t acc = 0;
            for (std::size_t i = 0; i < dim; ++i) acc += static_cast<std::int32_t>(qv[i]) * x[i];
            out[q * out_stride + r] = acc;
        }
    }
}

void to_f16(const float* in, std::uint16_t* out, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) out[i] = float_to_half(in[i]);
}

void from_f16(const std::uint16_t* in, float* out, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) out[i] = half_to_float(in[i]);
}

}  // namespace

const Kernels table = {dot_f32, dot_f16, dot_i8, to_f16, from_f16};

}  // namespace pyrec::index::scalar
