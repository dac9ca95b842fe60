// Inner loops of iALS, compiled once per instruction set (kernels_scalar.cpp,
// kernels_avx2.cpp, kernels_avx512.cpp) and picked at run time
// (simd/dispatch.hpp), so the same wheel runs on any x86-64 and uses AVX-512
// where the CPU has it.
//
// Everything here takes raw pointers: the ISA files must not instantiate
// std:: templates, or the linker could keep an AVX-512 copy of a shared
// inline function and run it on a CPU without AVX-512.
#pragma once
#include <cstdint>

namespace pyrec::als {

struct Kernels {
    const char* name;

    // a · b over n floats.
    float (*dot)(const float* a, const float* b, int n);

    // out = gscale * G v + sum_k (a_k + b_k * (y_k · v)) * y_k, with y_k = Y + rows[k] * n,
    // G a dense symmetric n×n row-major matrix; a == nullptr means all a_k = 0.
    // One pass over the user's items gives a CG residual, a CG matvec or the loss.
    void (*cg_apply)(const float* G, float gscale, const float* Y, const int32_t* rows,
                     const float* a, const float* b, int64_t m, const float* v, float* out, int n);

    // scores[i] = q · Y[i] for the `count` contiguous rows of Y (row stride n).
    void (*score_rows)(const float* q, const float* Y, int64_t count, int n, float* scores);

    // Upper triangle of the row-major n×n double matrix A += sum_k w_k y_k y_kᵀ, where
    // y_k = Y + rows[k] * n (rows == nullptr: the m contiguous rows of Y) and
    // w == nullptr means all w_k = 1. scratch holds 4 * n doubles.
    void (*rank_update)(double* A, const float* Y, const int32_t* rows, const double* w,
                        int64_t m, int n, double* scratch);

    // Cholesky-factor the symmetric positive definite A (upper triangle read and
    // overwritten) and solve A x = b in place of b. False if A is not positive definite.
    bool (*cholesky_solve)(double* A, double* b, int n);
};

namespace scalar { extern const Kernels table; }
#if defined(PYREC_X86)
namespace avx2 { extern const Kernels table; }
namespace avx512 { extern const Kernels table; }
#endif

// Kernels for pyrec::simd::active_level() (dispatch.cpp); cheap, call it once
// per native call. NEON has no dedicated iALS kernels yet: it gets the scalar
// ones, whose portable loops the compiler vectorises for it.
const Kernels& active_kernels();

}  // namespace pyrec::als
