// Row-major vector storage for one dtype plus the id -> row map. Rows are
// contiguous so the scan streams memory; removal moves the last row into the
// hole. Not thread-safe: Index guards it with a reader/writer lock.
#pragma once
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <unordered_map>
#include <vector>

#include "index/aligned.hpp"
#include "index/kernels.hpp"

namespace pyrec::index {

enum class Metric : std::uint8_t { Cosine = 0, Dot = 1 };
enum class DType : std::uint8_t { F32 = 0, F16 = 1, I8 = 2 };

std::string metric_name(Metric metric);
std::string dtype_name(DType dtype);
// Throw std::invalid_argument for unknown names.
Metric parse_metric(const std::string& name);
DType parse_dtype(const std::string& name);

class VectorStore {
public:
    static constexpr std::size_t npos = std::numeric_limits<std::size_t>::max();

    VectorStore(std::size_t dim, Metric metric, DType dtype);

    std::size_t dim() const { return dim_; }
    Metric metric() const { return metric_; }
    DType dtype() const { return dtype_; }
    std::size_t size() const { return ids_.size(); }
    const std::vector<std::int64_t>& ids() const { return ids_; }
    std::size_t find(std::int64_t id) const;

    // Inserts new ids and overwrites known ones. The caller has checked that
    // ids are unique and vectors finite (and in f16 range for f16).
    void upsert(const std::int64_t* ids, const float* vectors, std::size_t n, const Kernels& kernels);
    // Removes ids the caller has checked are present and unique.
    void remove(const std::int64_t* ids, std::size_t n);
    // Writes the stored (normalised, dequantised) vector of a row.
    void decode(std::size_t row, float* out, const Kernels& kernels) const;

    // Raw arrays, row-major, `size()` rows of `dim()` elements each (scales:
    // one per row; residuals: residual_bytes(dim) per row).
    const float* f32() const { return f32_.data(); }
    const std::uint16_t* f16() const { return f16_.data(); }
    const std::int8_t* codes() const { return codes_.data(); }
    const float* scales() const { return scales_.data(); }
    const std::uint8_t* residuals() const { return residuals_.data(); }

    // Persistence: resize, fill the mutable arrays, then rebuild_index(),
    // which returns false if ids repeat.
    void resize(std::size_t n);
    std::int64_t* mutable_ids() { return ids_.data(); }
    float* mutable_f32() { return f32_.data(); }
    std::uint16_t* mutable_f16() { return f16_.data(); }
    std::int8_t* mutable_codes() { return codes_.data(); }
    float* mutable_scales() { return scales_.data(); }
    std::uint8_t* mutable_residuals() { return residuals_.data(); }
    bool rebuild_index();

private:
    void encode(const float* x, std::size_t row, float* scratch, const Kernels& kernels);
    void move_row(std::size_t from, std::size_t to);

    std::size_t dim_;
    Metric metric_;
    DType dtype_;
    std::vector<std::int64_t> ids_;
    std::unordered_map<std::int64_t, std::size_t> rows_;
    // The scanned arrays are aligned (see aligned.hpp); the rest need not be.
    AlignedVector<float> f32_;
    AlignedVector<std::uint16_t> f16_;
    AlignedVector<std::int8_t> codes_;
    std::vector<float> scales_;
    std::vector<std::uint8_t> residuals_;
};

}  // namespace pyrec::index
