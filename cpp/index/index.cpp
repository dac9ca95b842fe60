#include "index/index.hpp"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <string>

#include "index/codec.hpp"
#include "index/kernels.hpp"
#include "index/persist.hpp"
#include "index/search.hpp"
#include "parallel/thread_pool.hpp"

namespace pyrec::index {
namespace {

// Largest float that binary16 rounds to a finite value (65504 + half an ulp).
constexpr float kF16Limit = 65520.0f;

void check_unique(const std::int64_t* ids, std::size_t n, const char* what) {
    std::vector<std::int64_t> sorted(ids, ids + n);
    std::sort(sorted.begin(), sorted.end());
    const auto dup = std::adjacent_find(sorted.begin(), sorted.end());
    if (dup != sorted.end())
        throw std::invalid_argument(std::string("duplicate id ") + std::to_string(*dup) + " in " + what);
}

}  // namespace

UnknownId::UnknownId(std::int64_t id) : std::out_of_range("unknown id " + std::to_string(id)), id_(id) {}

Index::Index(std::size_t dim, Metric metric, DType dtype, std::size_t num_threads)
    : dim_(dim), metric_(metric), dtype_(dtype), num_threads_(num_threads) {
    if (dim == 0 || dim > kMaxDim)
        throw std::invalid_argument("dim must be in [1, " + std::to_string(kMaxDim) + "], got " + std::to_string(dim));
    store_ = std::make_unique<VectorStore>(dim, metric, dtype);
}

Index::Index(std::unique_ptr<VectorStore> store, std::size_t num_threads)
    : dim_(store->dim()),
      metric_(store->metric()),
      dtype_(store->dtype()),
      num_threads_(num_threads),
      store_(std::move(store)) {}

std::size_t Index::threads() const { return resolve_threads(num_threads_.load()); }

void Index::add(const std::int64_t* ids, std::size_t n, const float* vectors) {
    for (std::size_t i = 0; i < n; ++i)
        if (ids[i] < 0) throw std::invalid_argument("ids must be >= 0, got " + std::to_string(ids[i]));
    check_unique(ids, n, "add()");
    if (!all_finite(vectors, n * dim_)) throw std::invalid_argument("vectors contain NaN or infinity");
    if (dtype_ == DType::F16 && metric_ == Metric::Dot)
        for (std::size_t i = 0; i < n * dim_; ++i)
            if (std::fabs(vectors[i]) >= kF16Limit)
                throw std::invalid_argument("value " + std::to_string(vectors[i]) + " is beyond the f16 range");
    const Kernels& kernels = active_kernels();
    std::unique_lock<std::shared_mutex> lock(mutex_);
    store_->upsert(ids, vectors, n, kernels);
}

void Index::remove(const std::int64_t* ids, std::size_t n) {
    check_unique(ids, n, "remove()");
    std::unique_lock<std::shared_mutex> lock(mutex_);
    for (std::size_t i = 0; i < n; ++i)
        if (store_->find(ids[i]) == VectorStore::npos) throw UnknownId(ids[i]);
    store_->remove(ids, n);
}

std::size_t Index::size() const {
    std::shared_lock<std::shared_mutex> lock(mutex_);
    return store_->size();
}

bool Index::contains(std::int64_t id) const {
    std::shared_lock<std::shared_mutex> lock(mutex_);
    return store_->find(id) != VectorStore::npos;
}

std::vector<std::int64_t> Index::ids() const {
    std::shared_lock<std::shared_mutex> lock(mutex_);
    return store_->ids();
}

void Index::get(const std::int64_t* ids, std::size_t n, float* out) const {
    const Kernels& kernels = active_kernels();
    std::shared_lock<std::shared_mutex> lock(mutex_);
    std::vector<std::size_t> rows(n);
    for (std::size_t i = 0; i < n; ++i) {
        rows[i] = store_->find(ids[i]);
        if (rows[i] == VectorStore::npos) throw UnknownId(ids[i]);
    }
    for (std::size_t i = 0; i < n; ++i) store_->decode(rows[i], out + i * dim_, kernels);
}

void Index::search(const float* queries, std::size_t m, std::size_t k, const std::int64_t* exclude,
                   std::size_t n_exclude, const std::int64_t* allow, std::size_t n_allow, std::int64_t* out_ids,
                   float* out_scores) const {
    if (k == 0) throw std::invalid_argument("k must be >= 1");
    if (!all_finite(queries, m * dim_)) throw std::invalid_argument("queries contain NaN or infinity");
    SearchRequest req;
    req.queries = queries;
    req.m = m;
    req.k = k;
    req.exclude = exclude;
    req.n_exclude = n_exclude;
    req.allow = allow;
    req.n_allow = n_allow;
    req.threads = threads();
    std::shared_lock<std::shared_mutex> lock(mutex_);
    pyrec::index::search(*store_, req, out_ids, out_scores);
}

std::size_t Index::serialized_size() const {
    std::shared_lock<std::shared_mutex> lock(mutex_);
    return pyrec::index::serialized_size(*store_);
}

bool Index::serialize(unsigned char* out, std::size_t size) const {
    std::shared_lock<std::shared_mutex> lock(mutex_);
    if (pyrec::index::serialized_size(*store_) != size) return false;
    pyrec::index::serialize(*store_, out);
    return true;
}

}  // namespace pyrec::index
