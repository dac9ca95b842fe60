// Checks for the numpy arrays and counts that enter the core, shared by every
// binding (index/bind_index.cpp, als/bind_als.cpp). Nothing is converted or
// copied: pyrec.core prepares arrays, the core only verifies them, so that a
// bad direct call is a Python exception, never a crash. Not an array or the
// wrong dtype is a TypeError; wrong shape, layout or a read-only output a
// ValueError. Call them with the GIL held, before releasing it.
#pragma once
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace pyrec::args {
namespace py = pybind11;

template <class T>
const char* dtype_name();
template <>
inline const char* dtype_name<float>() { return "float32"; }
template <>
inline const char* dtype_name<double>() { return "float64"; }
template <>
inline const char* dtype_name<std::int32_t>() { return "int32"; }
template <>
inline const char* dtype_name<std::int64_t>() { return "int64"; }

// True if obj is a numpy array holding T (for dispatch on the dtype).
template <class T>
bool has_dtype(const py::handle& obj) {
    return py::isinstance<py::array_t<T>>(obj);
}

// What obj is, for messages: "dtype float64" for an array, else its type name.
inline std::string describe(const py::handle& obj) {
    if (py::isinstance<py::array>(obj))
        return "dtype " + py::str(py::reinterpret_borrow<py::array>(obj).dtype()).cast<std::string>();
    return py::str(py::type::handle_of(obj).attr("__name__")).cast<std::string>();
}

// obj as an array of T, any shape; TypeError otherwise.
template <class T>
py::array array_of(const py::handle& obj, const char* what) {
    if (!has_dtype<T>(obj))
        throw py::type_error(std::string(what) + " must be a numpy " + dtype_name<T>() + " array, got " + describe(obj));
    return py::reinterpret_borrow<py::array>(obj);
}

inline void require_ndim(const py::array& a, py::ssize_t ndim, const char* what) {
    if (a.ndim() != ndim)
        throw py::value_error(std::string(what) + " must be " + std::to_string(ndim) + "-D, got " +
                              std::to_string(a.ndim()) + "-D");
}

// The kernels read arrays in place as T*: rows must be dense and T aligned.
// A numpy array can be neither (a transposed view; np.frombuffer at an odd
// offset); numpy's own ALIGNED flag knows each dtype's alignment.
inline void require_c_layout(const py::array& a, const char* what) {
    constexpr int kAligned = py::detail::npy_api::NPY_ARRAY_ALIGNED_;
    if (!(a.flags() & py::array::c_style) || !(a.flags() & kAligned))
        throw py::value_error(std::string(what) + " must be C-contiguous and aligned");
}

inline void require_writeable(const py::array& a, const char* what) {
    if (!a.writeable()) throw py::value_error(std::string(what) + " must be writeable");
}

// An ndim-D array of T, C-contiguous and aligned.
template <class T>
py::array array_arg(const py::handle& obj, py::ssize_t ndim, const char* what) {
    py::array a = array_of<T>(obj, what);
    require_ndim(a, ndim, what);
    require_c_layout(a, what);
    return a;
}

template <class T>
py::array vector_arg(const py::handle& obj, const char* what) {
    return array_arg<T>(obj, 1, what);
}

// rows x columns
template <class T>
py::array matrix_arg(const py::handle& obj, const char* what) {
    return array_arg<T>(obj, 2, what);
}

// Ids cross into the core as one int64 vector.
inline py::array ids_arg(const py::handle& obj, const char* what) { return vector_arg<std::int64_t>(obj, what); }

// A thread count as given (0 = one per core; the caller resolves it).
inline std::size_t threads_arg(std::int64_t num_threads) {
    if (num_threads < 0)
        throw py::value_error("num_threads must be >= 0 (0 = all cores), got " + std::to_string(num_threads));
    return static_cast<std::size_t>(num_threads);
}

template <class T>
const T* data_of(const py::array& a) {
    return static_cast<const T*>(a.data());
}

}  // namespace pyrec::args
