// Versioned binary format of a VectorStore (little-endian):
//
//   offset size  field
//        0    8  magic "PYRECVI\0"
//        8    4  format version (1)
//       12    4  header size in bytes (48 for version 1)
//       16    4  dim
//       20    1  metric (0 cosine, 1 dot)
//       21    1  dtype  (0 f32, 1 f16, 2 i8)
//       22    2  reserved, 0
//       24    8  row count n
//       32    8  checksum of the payload (see persist.cpp)
//       40    8  reserved, 0
//       48       payload: ids (n x int64), then
//                  f32: n x dim float32 | f16: n x dim binary16 |
//                  i8: n x float32 scales, n x dim int8 codes,
//                      n x ceil(dim/2) residual nibbles
//
// Loading validates every field, the exact length, the checksum and the
// values (unique non-negative ids, finite data, codes in [-127, 127]).
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>

#include "index/store.hpp"

namespace pyrec::index {

std::size_t serialized_size(const VectorStore& store);
// Writes exactly serialized_size(store) bytes.
void serialize(const VectorStore& store, unsigned char* out);
// Throws std::invalid_argument describing the first problem found.
std::unique_ptr<VectorStore> deserialize(const unsigned char* data, std::size_t size);

}  // namespace pyrec::index
