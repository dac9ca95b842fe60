// Dot-product kernels, one table per SIMD level (simd/dispatch.hpp). The scan
// engine asks active_kernels() for a table once per call.
//
// Every kernel scores a tile of nq queries against nr consecutive rows:
//   out[q * out_stride + r] = dot(queries[q], rows[r])
// Each (query, row) pair uses one accumulator walked over the dimensions in
// the same order whatever the tile shape, so a row scores bit-identically
// whether it lands in a full tile or a tail: duplicate vectors tie exactly.
//
// The *_avx2/*_avx512/*_neon files are compiled with extra ISA flags, so they
// include nothing but intrinsics, this header, tiling.hpp and simd/*_ops.hpp
// (no inline STL code that the linker could share with baseline translation
// units).
#pragma once
#include <cstddef>
#include <cstdint>

namespace pyrec::index {

using DotF32 = void (*)(const float* queries, std::size_t nq, const float* rows, std::size_t nr,
                        std::size_t dim, float* out, std::size_t out_stride);
// Rows are IEEE binary16 bit patterns; queries stay float32.
using DotF16 = void (*)(const float* queries, std::size_t nq, const std::uint16_t* rows, std::size_t nr,
                        std::size_t dim, float* out, std::size_t out_stride);
// Codes in [-127, 127]; exact integer dot products (dim <= kMaxDim keeps them in int32).
using DotI8 = void (*)(const std::int8_t* queries, std::size_t nq, const std::int8_t* rows, std::size_t nr,
                       std::size_t dim, std::int32_t* out, std::size_t out_stride);
// Round-to-nearest-even conversions; every level gives the same bits.
using ToF16 = void (*)(const float* in, std::uint16_t* out, std::size_t n);
using FromF16 = void (*)(const std::uint16_t* in, float* out, std::size_t n);

struct Kernels {
    DotF32 dot_f32;
    DotF16 dot_f16;
    DotI8 dot_i8;
    ToF16 to_f16;
    FromF16 from_f16;
};

// Largest supported dimension: keeps i8 dot products (with the VNNI +128
// offset) inside int32.
inline constexpr std::size_t kMaxDim = 65536;

namespace scalar { extern const Kernels table; }
#if defined(PYREC_X86)
namespace avx2 { extern const Kernels table; }
namespace avx512 { extern const Kernels table; }
#endif
#if defined(PYREC_ARM64)
namespace neon { extern const Kernels table; }
#endif

// The table for simd::active_level() (dispatch.cpp).
const Kernels& active_kernels();

}  // namespace pyrec::index
