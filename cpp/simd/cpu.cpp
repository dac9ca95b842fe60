#include "simd/cpu.hpp"

#include <atomic>
#include <stdexcept>

namespace pyrec::simd {
namespace {
std::atomic<int> g_forced{-1};

bool supported(Level level) {
    switch (level) {
        case Level::Scalar:
            return true;
#if defined(PYREC_X86)
        case Level::AVX2:
            return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
                   __builtin_cpu_supports("f16c") && __builtin_cpu_supports("bmi2");
        case Level::AVX512:
            return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                   __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl") &&
                   __builtin_cpu_supports("avx512vnni") && supported(Level::AVX2);
#endif
#if defined(PYREC_ARM64)
        case Level::NEON:
            return true;  // NEON is part of the arm64 baseline
#endif
        default:
            return false;
    }
}
}  // namespace

Level detected_level() {
    static const Level best = [] {
        for (Level l : {Level::AVX512, Level::AVX2, Level::NEON})
            if (supported(l)) return l;
        return Level::Scalar;
    }();
    return best;
}

Level active_level() {
    int forced = g_forced.load(std::memory_order_relaxed);
    return forced < 0 ? detected_level() : static_cast<Level>(forced);
}

std::string level_name(Level level) {
    switch (level) {
        case Level::Scalar: return "scalar";
        case Level::NEON: return "neon";
        case Level::AVX2: return "avx2";
        case Level::AVX512: return "avx512";
    }
    return "unknown";
}

std::vector<std::string> available_levels() {
    std::vector<std::string> out;
    for (Level l : {Level::Scalar, Level::NEON, Level::AVX2, Level::AVX512})
        if (supported(l)) out.push_back(level_name(l));
    return out;
}

void force_level(const std::string& name) {
    if (name.empty()) {
        g_forced.store(-1);
        return;
    }
    for (Level l : {Level::Scalar, Level::NEON, Level::AVX2, Level::AVX512}) {
        if (level_name(l) == name) {
            if (!supported(l)) throw std::invalid_argument("SIMD level '" + name + "' is not supported on this CPU/build");
            g_forced.store(static_cast<int>(l));
            return;
        }
    }
    throw std::invalid_argument("unknown SIMD level '" + name + "'");
}

}  // namespace pyrec::simd
