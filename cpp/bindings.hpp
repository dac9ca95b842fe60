// Each part of the core registers its Python bindings through one function,
// so parts live in their own folders and module.cpp stays a table of contents.
#pragma once
#include <pybind11/pybind11.h>

namespace pyrec {
void bind_simd(pybind11::module_& m);          // cpp/simd/
void bind_vector_index(pybind11::module_& m);  // cpp/index/
void bind_als(pybind11::module_& m);           // cpp/als/
void bind_sandbox(pybind11::module_& m);       // cpp/sandbox/
void bind_grids(pybind11::module_& m);         // cpp/dupes/
}  // namespace pyrec
