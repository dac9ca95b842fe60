#include "index/codec.hpp"

#include <cmath>
#include <cstring>

namespace pyrec::index {
namespace {

inline int residual_at(const std::uint8_t* residual, std::size_t j) {
    const int nibble = (j & 1) ? residual[j / 2] >> 4 : residual[j / 2] & 0x0f;
    return nibble >= 8 ? nibble - 16 : nibble;  // two's complement, 4 bits
}

inline int clamp_round(double v, int lo, int hi) {
    const double r = std::nearbyint(v);
    return r < lo ? lo : (r > hi ? hi : static_cast<int>(r));
}

float max_abs(const float* x, std::size_t dim) {
    float m = 0.0f;
    for (std::size_t j = 0; j < dim; ++j) m = std::fmax(m, std::fabs(x[j]));
    return m;
}

}  // namespace

void normalize(const float* x, std::size_t dim, float* out) {
    double sq = 0.0;
    for (std::size_t j = 0; j < dim; ++j) sq += static_cast<double>(x[j]) * x[j];
    const double norm = std::sqrt(sq);
    for (std::size_t j = 0; j < dim; ++j) out[j] = norm > 0.0 ? static_cast<float>(x[j] / norm) : 0.0f;
}

float quantize_codes(const float* x, std::size_t dim, std::int8_t* codes) {
    const float m = max_abs(x, dim);
    if (m == 0.0f) {
        for (std::size_t j = 0; j < dim; ++j) codes[j] = 0;
        return 0.0f;
    }
    const double inv = 127.0 / m;
    for (std::size_t j = 0; j < dim; ++j) codes[j] = static_cast<std::int8_t>(clamp_round(x[j] * inv, -127, 127));
    return static_cast<float>(m / 127.0);
}

float quantize_i8(const float* x, std::size_t dim, std::int8_t* codes, std::uint8_t* residual) {
    const float scale = quantize_codes(x, dim, codes);
    for (std::size_t j = 0; j < residual_bytes(dim); ++j) residual[j] = 0;
    if (scale == 0.0f) return 0.0f;
    for (std::size_t j = 0; j < dim; ++j) {
        const double err = static_cast<double>(x[j]) - static_cast<double>(codes[j]) * scale;
        const int r = clamp_round(err / scale * 16.0, -8, 7);
        residual[j / 2] |= static_cast<std::uint8_t>((r & 0x0f) << ((j & 1) * 4));
    }
    return scale;
}

void dequantize_i8(const std::int8_t* codes, const std::uint8_t* residual, float scale, std::size_t dim,
                   float* out) {
    for (std::size_t j = 0; j < dim; ++j)
        out[j] = static_cast<float>(scale * (codes[j] + residual_at(residual, j) / 16.0));
}

double dot_i8_refined(const float* q, const std::int8_t* codes, const std::uint8_t* residual, float scale,
                      std::size_t dim) {
    double acc = 0.0;
    for (std::size_t j = 0; j < dim; ++j) acc += q[j] * static_cast<double>(16 * codes[j] + residual_at(residual, j));
    return acc * (scale / 16.0);
}

bool all_finite(const float* x, std::size_t n) {
    // Exponent bits all ones means inf or NaN. An OR over integer flags
    // vectorises (a float reduction would not, without fast-math).
    std::uint32_t bad = 0;
    for (std::size_t i = 0; i < n; ++i) {
        std::uint32_t u;
        std::memcpy(&u, x + i, sizeof u);
        bad |= static_cast<std::uint32_t>((u & 0x7f800000u) == 0x7f800000u);
    }
    return bad == 0;
}

}  // namespace pyrec::index
