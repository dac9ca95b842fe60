// Helpers of the portable (scalar) kernels of every family. They keep eight
// partial sums, like an 8-lane vector (and the compiler may use SSE2 for
// them), and add them in one fixed tree.
#pragma once

namespace pyrec::simd::scalar {

inline constexpr int kLanes = 8;

inline float sum_lanes(const float (&s)[kLanes]) {
    return ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]));
}

}  // namespace pyrec::simd::scalar
