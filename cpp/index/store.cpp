#include "index/store.hpp"

#include <cstring>
#include <stdexcept>

#include "index/codec.hpp"

namespace pyrec::index {

std::string metric_name(Metric metric) { return metric == Metric::Cosine ? "cosine" : "dot"; }

std::string dtype_name(DType dtype) {
    switch (dtype) {
        case DType::F32: return "f32";
        case DType::F16: return "f16";
        case DType::I8: return "i8";
    }
    return "?";
}

Metric parse_metric(const std::string& name) {
    if (name == "cosine") return Metric::Cosine;
    if (name == "dot") return Metric::Dot;
    throw std::invalid_argument("metric must be 'cosine' or 'dot', got '" + name + "'");
}

DType parse_dtype(const std::string& name) {
    if (name == "f32") return DType::F32;
    if (name == "f16") return DType::F16;
    if (name == "i8") return DType::I8;
    throw std::invalid_argument("dtype must be 'f32', 'f16' or 'i8', got '" + name + "'");
}

VectorStore::VectorStore(std::size_t dim, Metric metric, DType dtype) : dim_(dim), metric_(metric), dtype_(dtype) {}

std::size_t VectorStore::find(std::int64_t id) const {
    const auto it = rows_.find(id);
    return it == rows_.end() ? npos : it->second;
}

void VectorStore::resize(std::size_t n) {
    ids_.resize(n);
    switch (dtype_) {
        case DType::F32: f32_.resize(n * dim_); break;
        case DType::F16: f16_.resize(n * dim_); break;
        case DType::I8:
            codes_.resize(n * dim_);
            scales_.resize(n);
            residuals_.resize(n * residual_bytes(dim_));
            break;
    }
}

bool VectorStore::rebuild_index() {
    rows_.clear();
    rows_.reserve(ids_.size());
    for (std::size_t row = 0; row < ids_.size(); ++row)
        if (!rows_.emplace(ids_[row], row).second) return false;
    return true;
}

void VectorStore::encode(const float* x, std::size_t row, float* scratch, const Kernels& kernels) {
    if (metric_ == Metric::Cosine) {
        normalize(x, dim_, scratch);
        x = scratch;
    }
    switch (dtype_) {
        case DType::F32: std::memcpy(f32_.data() + row * dim_, x, dim_ * sizeof(float)); break;
        case DType::F16: kernels.to_f16(x, f16_.data() + row * dim_, dim_); break;
        case DType::I8:
            scales_[row] = quantize_i8(x, dim_, codes_.data() + row * dim_,
                                       residuals_.data() + row * residual_bytes(dim_));
            break;
    }
}

void VectorStore::upsert(const std::int64_t* ids, const float* vectors, std::size_t n, const Kernels& kernels) {
    std::size_t fresh = 0;
    for (std::size_t i = 0; i < n; ++i) fresh += find(ids[i]) == npos;
    const std::size_t old_size = size();
    // Grow once up front; the loop below then never reallocates.
    rows_.reserve(old_size + fresh);
    resize(old_size + fresh);
    std::size_t next = old_size;
    std::vector<float> scratch(dim_);
    for (std::size_t i = 0; i < n; ++i) {
        std::size_t row = find(ids[i]);
        if (row == npos) {
            row = next++;
            ids_[row] = ids[i];
            rows_.emplace(ids[i], row);
        }
        encode(vectors + i * dim_, row, scratch.data(), kernels);
    }
}

void VectorStore::move_row(std::size_t from, std::size_t to) {
    ids_[to] = ids_[from];
    rows_[ids_[to]] = to;
    switch (dtype_) {
        case DType::F32: std::memcpy(&f32_[to * dim_], &f32_[from * dim_], dim_ * sizeof(float)); break;
        case DType::F16: std::memcpy(&f16_[to * dim_], &f16_[from * dim_], dim_ * sizeof(std::uint16_t)); break;
        case DType::I8: {
            const std::size_t rb = residual_bytes(dim_);
            std::memcpy(&codes_[to * dim_], &codes_[from * dim_], dim_);
            std::memcpy(&residuals_[to * rb], &residuals_[from * rb], rb);
            scales_[to] = scales_[from];
            break;
        }
    }
}

void VectorStore::remove(const std::int64_t* ids, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
        const std::size_t row = find(ids[i]);
        const std::size_t last = size() - 1;
        if (row != last) move_row(last, row);
        rows_.erase(ids[i]);
        resize(last);
    }
}

void VectorStore::decode(std::size_t row, float* out, const Kernels& kernels) const {
    switch (dtype_) {
        case DType::F32: std::memcpy(out, f32_.data() + row * dim_, dim_ * sizeof(float)); break;
        case DType::F16: kernels.from_f16(f16_.data() + row * dim_, out, dim_); break;
        case DType::I8:
            dequantize_i8(codes_.data() + row * dim_, residuals_.data() + row * residual_bytes(dim_), scales_[row],
                          dim_, out);
            break;
    }
}

}  // namespace pyrec::index
