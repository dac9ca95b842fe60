// Picks the kernel table for a SIMD level (normally simd::active_level()).
#pragma once
#include "index/kernels.hpp"
#include "simd/cpu.hpp"

namespace pyrec::index {
const Kernels& kernels_for(simd::Level level);
inline const Kernels& active_kernels() { return kernels_for(simd::active_level()); }
}  // namespace pyrec::index
