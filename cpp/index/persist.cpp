#include "index/persist.hpp"

#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>

#include "index/codec.hpp"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "persist.cpp writes the host byte order and assumes it is little-endian"
#endif

namespace pyrec::index {
namespace {

constexpr char kMagic[8] = {'P', 'Y', 'R', 'E', 'C', 'V', 'I', '\0'};
constexpr std::uint32_t kVersion = 1;
constexpr std::size_t kHeaderSize = 48;

struct Layout {
    std::size_t ids, data, scales, residuals, total;  // payload section sizes
};

// Section sizes for n rows, or false if they overflow size_t.
bool layout(std::size_t n, std::size_t dim, DType dtype, Layout& out) {
    const std::size_t limit = std::numeric_limits<std::size_t>::max() / 16;
    if (n > limit / (dim + 1)) return false;
    out.ids = n * sizeof(std::int64_t);
    out.scales = dtype == DType::I8 ? n * sizeof(float) : 0;
    out.residuals = dtype == DType::I8 ? n * residual_bytes(dim) : 0;
    const std::size_t elem = dtype == DType::F32 ? 4 : (dtype == DType::F16 ? 2 : 1);
    out.data = n * dim * elem;
    out.total = out.ids + out.scales + out.data + out.residuals;
    return true;
}

// 64-bit checksum: four interleaved multiply-xorshift lanes over 8-byte
// words (fast enough not to matter next to the copy), then the tail.
std::uint64_t checksum(const unsigned char* p, std::size_t n) {
    constexpr std::uint64_t kMul = 0x9e3779b97f4a7c15ull;
    std::uint64_t lanes[4] = {1, 2, 3, 4};
    std::size_t i = 0;
    for (; i + 32 <= n; i += 32)
        for (int l = 0; l < 4; ++l) {
            std::uint64_t w;
            std::memcpy(&w, p + i + 8 * l, 8);
            lanes[l] = (lanes[l] ^ w) * kMul;
            lanes[l] ^= lanes[l] >> 29;
        }
    std::uint64_t h = n;
    for (std::uint64_t lane : lanes) h = ((h ^ lane) * kMul) ^ (h >> 31);
    for (; i < n; ++i) h = ((h ^ p[i]) * kMul) ^ (h >> 31);
    return h;
}

// memcpy with a possibly-null pointer is undefined even for 0 bytes (an
// empty index has no arrays yet).
void copy(void* dst, const void* src, std::size_t n) {
    if (n != 0) std::memcpy(dst, src, n);
}

template <class T>
void put(unsigned char* out, std::size_t offset, T value) {
    std::memcpy(out + offset, &value, sizeof value);
}

template <class T>
T get(const unsigned char* in, std::size_t offset) {
    T value;
    std::memcpy(&value, in + offset, sizeof value);
    return value;
}

[[noreturn]] void fail(const std::string& what) { throw std::invalid_argument("invalid VectorIndex bytes: " + what); }

}  // namespace

std::size_t serialized_size(const VectorStore& store) {
    Layout l{};
    layout(store.size(), store.dim(), store.dtype(), l);
    return kHeaderSize + l.total;
}

void serialize(const VectorStore& store, unsigned char* out) {
    const std::size_t n = store.size(), dim = store.dim();
    Layout l{};
    layout(n, dim, store.dtype(), l);
    std::memset(out, 0, kHeaderSize);
    std::memcpy(out, kMagic, sizeof kMagic);
    put<std::uint32_t>(out, 8, kVersion);
    put<std::uint32_t>(out, 12, kHeaderSize);
    put<std::uint32_t>(out, 16, static_cast<std::uint32_t>(dim));
    put<std::uint8_t>(out, 20, static_cast<std::uint8_t>(store.metric()));
    put<std::uint8_t>(out, 21, static_cast<std::uint8_t>(store.dtype()));
    put<std::uint64_t>(out, 24, n);
    unsigned char* p = out + kHeaderSize;
    copy(p, store.ids().data(), l.ids);
    p += l.ids;
    switch (store.dtype()) {
        case DType::F32: copy(p, store.f32(), l.data); break;
        case DType::F16: copy(p, store.f16(), l.data); break;
        case DType::I8:
            copy(p, store.scales(), l.scales);
            copy(p + l.scales, store.codes(), l.data);
            copy(p + l.scales + l.data, store.residuals(), l.residuals);
            break;
    }
    put<std::uint64_t>(out, 32, checksum(out + kHeaderSize, l.total));
}

std::unique_ptr<VectorStore> deserialize(const unsigned char* in, std::size_t size) {
    if (size < 16) fail("too short for a header (" + std::to_string(size) + " bytes)");
    if (std::memcmp(in, kMagic, sizeof kMagic) != 0) fail("not a pyrec VectorIndex (bad magic)");
    const auto version = get<std::uint32_t>(in, 8);
    if (version != kVersion)
        fail("format version " + std::to_string(version) + " is not supported (expected " +
             std::to_string(kVersion) + ")");
    if (get<std::uint32_t>(in, 12) != kHeaderSize || size < kHeaderSize) fail("truncated or malformed header");
    const std::size_t dim = get<std::uint32_t>(in, 16);
    const auto metric = get<std::uint8_t>(in, 20);
    const auto dtype_code = get<std::uint8_t>(in, 21);
    const auto n = get<std::uint64_t>(in, 24);
    if (dim == 0 || dim > kMaxDim) fail("dim " + std::to_string(dim) + " out of range");
    if (metric > 1) fail("unknown metric code " + std::to_string(metric));
    if (dtype_code > 2) fail("unknown dtype code " + std::to_string(dtype_code));
    if (get<std::uint16_t>(in, 22) != 0 || get<std::uint64_t>(in, 40) != 0) fail("reserved header fields are set");
    const auto dtype = static_cast<DType>(dtype_code);
    Layout l{};
    if (n > std::numeric_limits<std::size_t>::max() || !layout(static_cast<std::size_t>(n), dim, dtype, l) ||
        size - kHeaderSize != l.total)
        fail("length " + std::to_string(size) + " does not match " + std::to_string(n) + " rows of dim " +
             std::to_string(dim) + " (truncated?)");
    const unsigned char* p = in + kHeaderSize;
    if (checksum(p, l.total) != get<std::uint64_t>(in, 32)) fail("checksum mismatch (corrupted data)");

    auto store = std::make_unique<VectorStore>(dim, static_cast<Metric>(metric), dtype);
    store->resize(static_cast<std::size_t>(n));
    copy(store->mutable_ids(), p, l.ids);
    p += l.ids;
    for (std::size_t i = 0; i < n; ++i)
        if (store->ids()[i] < 0) fail("negative id " + std::to_string(store->ids()[i]));
    switch (dtype) {
        case DType::F32:
            copy(store->mutable_f32(), p, l.data);
            if (!all_finite(store->f32(), n * dim)) fail("non-finite vector values");
            break;
        case DType::F16:
            copy(store->mutable_f16(), p, l.data);
            for (std::size_t i = 0; i < n * dim; ++i)
                if ((store->f16()[i] & 0x7c00u) == 0x7c00u) fail("non-finite vector values");
            break;
        case DType::I8:
            copy(store->mutable_scales(), p, l.scales);
            copy(store->mutable_codes(), p + l.scales, l.data);
            copy(store->mutable_residuals(), p + l.scales + l.data, l.residuals);
            for (std::size_t i = 0; i < n; ++i)
                if (!std::isfinite(store->scales()[i]) || store->scales()[i] < 0.0f) fail("invalid i8 scale");
            for (std::size_t i = 0; i < n * dim; ++i)
                if (store->codes()[i] == -128) fail("i8 code -128 out of range");
            break;
    }
    if (!store->rebuild_index()) fail("duplicate ids");
    return store;
}

}  // namespace pyrec::index
