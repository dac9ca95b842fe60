// Python face of the index (pyrec._core.VectorIndex): checks array dtypes,
// shapes and layout without copying (common/numpy_args.hpp), releases the GIL
// around all real work, and maps errors to ValueError / KeyError / TypeError.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <memory>
#include <string>

#include "bindings.hpp"
#include "common/numpy_args.hpp"
#include "index/index.hpp"
#include "index/kernels.hpp"
#include "index/persist.hpp"

namespace py = pybind11;
using pyrec::index::Index;

namespace pyrec {
namespace {

// The Python wrapper (pyrec.core) converts arguments first, so only direct
// callers of pyrec._core ever see these checks fail.
using args::ids_arg;
using args::threads_arg;

const std::int64_t* ids_ptr(const py::array& a) { return args::data_of<std::int64_t>(a); }

py::tuple search(const Index& self, const py::handle& queries_obj, std::int64_t k, const py::handle& exclude_obj,
                 const py::handle& allow_obj) {
    py::array queries = args::array_of<float>(queries_obj, "queries");
    const std::size_t dim = self.dim();
    if (queries.ndim() != 1 && queries.ndim() != 2)
        throw py::value_error("queries must be [dim] or [m, dim], got " + std::to_string(queries.ndim()) + "-D");
    args::require_c_layout(queries, "queries");
    const bool single = queries.ndim() == 1;
    const std::size_t got_dim = static_cast<std::size_t>(queries.shape(queries.ndim() - 1));
    if (got_dim != dim)
        throw py::value_error("queries have dimension " + std::to_string(got_dim) + ", index has " + std::to_string(dim));
    if (k <= 0) throw py::value_error("k must be >= 1, got " + std::to_string(k));
    const std::size_t m = single ? 1 : static_cast<std::size_t>(queries.shape(0));
    // Keep the arrays alive while their data is used without the GIL.
    py::object exclude, allow;
    const std::int64_t* exclude_data = nullptr;
    const std::int64_t* allow_data = nullptr;
    std::size_t n_exclude = 0, n_allow = 0;
    if (!exclude_obj.is_none()) {
        py::array a = ids_arg(exclude_obj, "exclude");
        exclude_data = ids_ptr(a);
        n_exclude = static_cast<std::size_t>(a.size());
        exclude = a;
    }
    if (!allow_obj.is_none()) {
        py::array a = ids_arg(allow_obj, "allow");
        allow_data = ids_ptr(a);
        n_allow = static_cast<std::size_t>(a.size());
        allow = a;
    }

    std::vector<py::ssize_t> shape = single ? std::vector<py::ssize_t>{k} : std::vector<py::ssize_t>{static_cast<py::ssize_t>(m), k};
    py::array_t<std::int64_t> ids(shape);
    py::array_t<float> scores(shape);
    std::int64_t* ids_out = ids.mutable_data();
    float* scores_out = scores.mutable_data();
    {
        py::gil_scoped_release release;
        self.search(args::data_of<float>(queries), m, static_cast<std::size_t>(k), exclude_data, n_exclude,
                    allow_data, n_allow, ids_out, scores_out);
    }
    return py::make_tuple(ids, scores);
}

py::bytes to_bytes(const Index& self) {
    // Allocate the bytes object (needs the GIL) at the current size, fill it
    // without the GIL; retry in the rare case the index changed in between.
    for (;;) {
        std::size_t size;
        {
            py::gil_scoped_release release;
            size = self.serialized_size();
        }
        auto out = py::reinterpret_steal<py::bytes>(PyBytes_FromStringAndSize(nullptr, static_cast<py::ssize_t>(size)));
        if (!out) throw py::error_already_set();
        auto* data = reinterpret_cast<unsigned char*>(PyBytes_AS_STRING(out.ptr()));
        bool written;
        {
            py::gil_scoped_release release;
            written = self.serialize(data, size);
        }
        if (written) return out;
    }
}

std::unique_ptr<Index> from_bytes(const py::handle& data, std::int64_t num_threads) {
    const std::size_t threads = threads_arg(num_threads);
    Py_buffer view;
    if (PyObject_GetBuffer(data.ptr(), &view, PyBUF_SIMPLE) != 0) {
        PyErr_Clear();
        throw py::type_error("from_bytes() needs a bytes-like object, got " +
                             std::string(py::str(py::type::handle_of(data).attr("__name__"))));
    }
    std::unique_ptr<index::VectorStore> store;
    try {
        py::gil_scoped_release release;
        store = index::deserialize(static_cast<const unsigned char*>(view.buf), static_cast<std::size_t>(view.len));
    } catch (...) {
        PyBuffer_Release(&view);
        throw;
    }
    PyBuffer_Release(&view);
    return std::make_unique<Index>(std::move(store), threads);
}

}  // namespace

void bind_vector_index(py::module_& m) {
    py::register_local_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const index::UnknownId& e) {
            PyErr_SetObject(PyExc_KeyError, py::int_(e.id()).ptr());
        }
    });

    py::class_<Index>(m, "VectorIndex", "Exact top-k vector index (use pyrec.core.VectorIndex).")
        .def(py::init([](std::int64_t dim, const std::string& metric, const std::string& dtype, std::int64_t num_threads) {
                 if (dim <= 0 || dim > static_cast<std::int64_t>(index::kMaxDim))
                     throw py::value_error("dim must be in [1, " + std::to_string(index::kMaxDim) + "], got " +
                                           std::to_string(dim));
                 return std::make_unique<Index>(static_cast<std::size_t>(dim), index::parse_metric(metric),
                                                index::parse_dtype(dtype), threads_arg(num_threads));
             }),
             py::arg("dim"), py::arg("metric") = "cosine", py::arg("dtype") = "f32", py::arg("num_threads") = 0)
        .def_property_readonly("dim", &Index::dim)
        .def_property_readonly("metric", [](const Index& self) { return index::metric_name(self.metric()); })
        .def_property_readonly("dtype", [](const Index& self) { return index::dtype_name(self.dtype()); })
        .def_property(
            "num_threads", &Index::num_threads,
            [](Index& self, std::int64_t n) { self.set_num_threads(threads_arg(n)); })
        .def(
            "add",
            [](Index& self, const py::handle& ids_obj, const py::handle& vectors_obj) {
                py::array ids = ids_arg(ids_obj, "ids");
                py::array vectors = args::array_of<float>(vectors_obj, "vectors");
                if (vectors.ndim() != 2 || static_cast<std::size_t>(vectors.shape(1)) != self.dim())
                    throw py::value_error("vectors must have shape [n, " + std::to_string(self.dim()) + "]");
                args::require_c_layout(vectors, "vectors");
                if (vectors.shape(0) != ids.shape(0))
                    throw py::value_error(std::to_string(ids.shape(0)) + " ids but " + std::to_string(vectors.shape(0)) +
                                          " vectors");
                py::gil_scoped_release release;
                self.add(ids_ptr(ids), static_cast<std::size_t>(ids.size()), args::data_of<float>(vectors));
            },
            py::arg("ids"), py::arg("vectors"))
        .def(
            "remove",
            [](Index& self, const py::handle& ids_obj) {
                py::array ids = ids_arg(ids_obj, "ids");
                py::gil_scoped_release release;
                self.remove(ids_ptr(ids), static_cast<std::size_t>(ids.size()));
            },
            py::arg("ids"))
        .def(
            "get",
            [](const Index& self, const py::handle& ids_obj) {
                py::array ids = ids_arg(ids_obj, "ids");
                py::array_t<float> out({static_cast<py::ssize_t>(ids.size()), static_cast<py::ssize_t>(self.dim())});
                float* data = out.mutable_data();
                {
                    py::gil_scoped_release release;
                    self.get(ids_ptr(ids), static_cast<std::size_t>(ids.size()), data);
                }
                return out;
            },
            py::arg("ids"))
        .def("search", &search, py::arg("queries"), py::arg("k"), py::arg("exclude") = py::none(),
             py::arg("allow") = py::none())
        .def("__len__", &Index::size, py::call_guard<py::gil_scoped_release>())
        .def("__contains__", &Index::contains, py::arg("id"), py::call_guard<py::gil_scoped_release>())
        .def("ids",
             [](const Index& self) {
                 std::vector<std::int64_t> ids;
                 {
                     py::gil_scoped_release release;
                     ids = self.ids();
                 }
                 py::array_t<std::int64_t> out(static_cast<py::ssize_t>(ids.size()));
                 std::copy(ids.begin(), ids.end(), out.mutable_data());
                 return out;
             })
        .def("to_bytes", &to_bytes)
        .def_static("from_bytes", &from_bytes, py::arg("data"), py::arg("num_threads") = 0);
}

}  // namespace pyrec
