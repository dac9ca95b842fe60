// Duplicate detection's hot loop: how many cells of every frame grid of one
// video differ from every frame grid of another (pyrec.recommend.dupes.align).
// Plain loops the compiler vectorises at the baseline ISA (no -march): the
// work is na x nb x 256 compare-and-count, which NumPy can only do through
// a temporary as large as the work itself.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cmath>
#include <cstdint>
#include <string>

#include "bindings.hpp"
#include "common/numpy_args.hpp"

namespace py = pybind11;

namespace pyrec {
namespace {

// out[i * nb + j] = share of the dim cells where |a_i - b_j| > cell.
void differing_cells(const float* a, const float* b, std::int64_t na, std::int64_t nb, std::int64_t dim, float cell,
                     float* out) {
    const float inv = 1.0f / static_cast<float>(dim);
    for (std::int64_t i = 0; i < na; ++i) {
        const float* x = a + i * dim;
        for (std::int64_t j = 0; j < nb; ++j) {
            const float* y = b + j * dim;
            std::int32_t count = 0;
            for (std::int64_t k = 0; k < dim; ++k) count += std::fabs(x[k] - y[k]) > cell ? 1 : 0;
            out[i * nb + j] = static_cast<float>(count) * inv;
        }
    }
}

}  // namespace

void bind_grids(py::module_& m) {
    m.def(
        "grid_differing",
        [](const py::handle& a_obj, const py::handle& b_obj, float cell, const py::handle& out_obj) {
            py::array a = args::matrix_arg<float>(a_obj, "a");
            py::array b = args::matrix_arg<float>(b_obj, "b");
            py::array out = args::matrix_arg<float>(out_obj, "out");
            args::require_writeable(out, "out");
            if (a.shape(1) != b.shape(1))
                throw py::value_error("a and b must have the same number of cells, got " + std::to_string(a.shape(1)) +
                                      " and " + std::to_string(b.shape(1)));
            if (out.shape(0) != a.shape(0) || out.shape(1) != b.shape(0))
                throw py::value_error("out must be len(a) x len(b)");
            if (!std::isfinite(cell) || cell < 0) throw py::value_error("cell must be a finite number >= 0");
            const float* pa = args::data_of<float>(a);
            const float* pb = args::data_of<float>(b);
            float* po = static_cast<float*>(out.mutable_data());
            const std::int64_t na = a.shape(0), nb = b.shape(0), dim = a.shape(1);
            py::gil_scoped_release release;
            differing_cells(pa, pb, na, nb, dim, cell, po);
        },
        py::arg("a"), py::arg("b"), py::arg("cell"), py::arg("out"),
        "out[i, j] = share of cells where |a[i] - b[j]| > cell (float32 matrices, C-contiguous).");
}
}  // namespace pyrec
