// Checks for numpy arrays entering the ALS core. Wrong dtype is a TypeError;
// wrong shape, layout or read-only output a ValueError. Nothing is converted
// or copied: the Python layer prepares arrays, the core only verifies them.
#pragma once
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <string>

namespace pyrec::als {
namespace py = pybind11;

template <class T>
bool has_dtype(const py::array& a) {
    return py::isinstance<py::array_t<T>>(a);
}

template <class T>
const char* dtype_label();
template <>
inline const char* dtype_label<float>() { return "float32"; }
template <>
inline const char* dtype_label<double>() { return "float64"; }
template <>
inline const char* dtype_label<int64_t>() { return "int64"; }

template <class T>
void require_dtype(const py::array& a, const char* what) {
    if (!has_dtype<T>(a))
        throw py::type_error(std::string(what) + " must be a " + dtype_label<T>() + " array, got dtype " +
                             py::str(a.dtype()).cast<std::string>());
}

inline void require_c_contiguous(const py::array& a, const char* what) {
    if (!(a.flags() & py::array::c_style))
        throw py::value_error(std::string(what) + " must be C-contiguous");
}

// A 2-D C-contiguous T matrix; returns its shape through rows/cols.
template <class T>
void check_matrix(const py::array& a, const char* what, int64_t& rows, int64_t& cols) {
    require_dtype<T>(a, what);
    if (a.ndim() != 2)
        throw py::value_error(std::string(what) + " must be 2-D, got " + std::to_string(a.ndim()) + "-D");
    require_c_contiguous(a, what);
    rows = static_cast<int64_t>(a.shape(0));
    cols = static_cast<int64_t>(a.shape(1));
}

// A 1-D C-contiguous T vector; returns its length.
template <class T>
int64_t check_vector(const py::array& a, const char* what) {
    require_dtype<T>(a, what);
    if (a.ndim() != 1)
        throw py::value_error(std::string(what) + " must be 1-D, got " + std::to_string(a.ndim()) + "-D");
    require_c_contiguous(a, what);
    return static_cast<int64_t>(a.shape(0));
}

inline void require_writeable(const py::array& a, const char* what) {
    if (!a.writeable()) throw py::value_error(std::string(what) + " must be writeable");
}

}  // namespace pyrec::als
