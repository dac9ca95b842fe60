// Run-time choice of the SIMD instruction set. Every kernel family compiles one
// variant per level (files *_avx512.cpp, *_avx2.cpp, *_neon.cpp, plus scalar)
// and picks one with active_level() through simd/dispatch.hpp.
#pragma once
#include <string>
#include <vector>

namespace pyrec::simd {

enum class Level : int { Scalar = 0, NEON = 1, AVX2 = 2, AVX512 = 3 };

// Best level this CPU (and this build) supports.
Level detected_level();
// Level kernels use now: detected_level() unless a test forced a lower one.
Level active_level();
// Force a level (tests run every path in turn); throws std::invalid_argument
// if the CPU or build cannot run it. Pass nullptr/"" to go back to detection.
void force_level(const std::string& name);
std::string level_name(Level level);
std::vector<std::string> available_levels();

}  // namespace pyrec::simd
