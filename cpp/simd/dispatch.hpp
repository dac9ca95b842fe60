// The one run-time dispatch style of the core. A kernel family (index/, als/)
// declares a struct of function pointers and defines one constant table of it
// per SIMD level it compiles, in namespaces scalar / neon / avx2 / avx512 of the
// family (files kernels_<isa>.cpp). Its dispatch.cpp lists them in a PerLevel
// and its active_kernels() returns pick(tables, active_level()): chosen once
// per native call, so a level forced by the tests (force_level) takes effect on
// the next call.
//
// Not for the ISA-flagged files: they only define tables.
#pragma once
#include "simd/cpu.hpp"

namespace pyrec::simd {

// A family's tables, nullptr where it has no variant (e.g. iALS on NEON) or
// where this build's architecture has none (PYREC_IF_X86 / PYREC_IF_ARM64).
template <class Table>
struct PerLevel {
    const Table* scalar;
    const Table* neon;
    const Table* avx2;
    const Table* avx512;
};

// The table for `level`, else the best lower level the family has; the
// scalar table always exists.
template <class Table>
const Table& pick(const PerLevel<Table>& tables, Level level) {
    const Table* by_level[] = {tables.scalar, tables.neon, tables.avx2, tables.avx512};
    for (int l = static_cast<int>(level); l > 0; --l)
        if (by_level[l] != nullptr) return *by_level[l];
    return *tables.scalar;
}

}  // namespace pyrec::simd

// Table addresses for PerLevel that exist only on one architecture (CMake
// compiles *_avx2/*_avx512.cpp only for x86-64, *_neon.cpp only for arm64).
#if defined(PYREC_X86)
#define PYREC_IF_X86(table) (table)
#else
#define PYREC_IF_X86(table) nullptr
#endif
#if defined(PYREC_ARM64)
#define PYREC_IF_ARM64(table) (table)
#else
#define PYREC_IF_ARM64(table) nullptr
#endif
