// AVX-512 kernels (F/BW/VL + VNNI for int8). Tails use masked loads, which
// never touch memory past the end of a row.
// GCC 12's own AVX-512 headers trip -Wuninitialized on the _mm512_undefined
// placeholders of cvtph/reduce (GCC bug 105593); the warning is not about us.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include "index/kernels.hpp"
#include "index/tiling.hpp"
#include "simd/avx512_ops.hpp"

namespace pyrec::index::avx512 {
namespace {

using simd::avx512::tail_mask;

// Lane sums as a tree: (i, i+8), (i, i+4), (i, i+2), (i, i+1). reduce4 does
// the same additions for four accumulators at once, in a quarter of the
// shuffles, and leaves the sums in lanes 0, 4, 8 and 12.
template <class Add>
inline __m512 tree4(const __m512* a, Add add) {
    const __m512 ab = add(_mm512_shuffle_f32x4(a[0], a[1], 0x44), _mm512_shuffle_f32x4(a[0], a[1], 0xee));
    const __m512 cd = add(_mm512_shuffle_f32x4(a[2], a[3], 0x44), _mm512_shuffle_f32x4(a[2], a[3], 0xee));
    const __m512 quads = add(_mm512_shuffle_f32x4(ab, cd, 0x88), _mm512_shuffle_f32x4(ab, cd, 0xdd));
    const __m512 pairs = add(quads, _mm512_shuffle_ps(quads, quads, _MM_SHUFFLE(1, 0, 3, 2)));
    const __m512 sums = add(pairs, _mm512_shuffle_ps(pairs, pairs, _MM_SHUFFLE(2, 3, 0, 1)));
    return _mm512_permutexvar_ps(_mm512_setr_epi32(0, 4, 8, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), sums);
}

struct Isa {
    using V = __m512;
    using I = __m512i;
    using B = __m512i;
    using FTail = __mmask16;
    using ITail = __mmask64;
    static constexpr std::size_t kLanes = 16;
    static constexpr std::size_t kCodes = 64;
    // One row at a time for a single query, so memory is read strictly in
    // order (interleaving rows measured up to 2x slower: it defeats the
    // hardware prefetcher); out-of-order execution overlaps the FMA chains.
    static constexpr int kRowsSingle = 1;
    // A few queries: still one row at a time (rows come from memory once),
    // against 4 queries. Up to 2x faster than 4 x 4 tiles for 4 queries;
    // from about 8 queries on, the 4 x 4 tile wins (rows then come from cache).
    static constexpr int kRowsStream = 1;
    static constexpr int kQueriesStream = 4;
    static constexpr int kStreamBelow = 8;
    // Batches: 4 rows x 4 queries = 16 accumulators, 8 loads per 16 FMAs.
    static constexpr int kRowsBatch = 4;
    static constexpr int kQueriesBatch = 4;
    // VNNI multiplies unsigned by signed bytes, so rows are flipped to u8
    // (x + 128, an xor of the sign bit) and 128 * sum(query) is subtracted
    // after. Masked-off tail lanes read as 0 and become 128 after the flip,
    // but the matching query lanes are 0, so they add nothing.
    static constexpr std::int32_t kCodeBias = 128;

    static FTail ftail(std::size_t n) { return tail_mask(n); }
    static ITail itail(std::size_t n) { return _bzhi_u64(~0ull, static_cast<unsigned>(n)); }

    static V zero() { return _mm512_setzero_ps(); }
    static V load(const float* p) { return _mm512_loadu_ps(p); }
    static V load(const float* p, FTail m) { return _mm512_maskz_loadu_ps(m, p); }
    static V load(const std::uint16_t* p) {
        return _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
    }
    static V load(const std::uint16_t* p, FTail m) { return _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(m, p)); }
    static V fma(V acc, V q, V x) { return _mm512_fmadd_ps(q, x, acc); }

    static I izero() { return _mm512_setzero_si512(); }
    static B row_codes(const std::int8_t* p) { return flip(_mm512_loadu_si512(p)); }
    static B row_codes(const std::int8_t* p, ITail m) { return flip(_mm512_maskz_loadu_epi8(m, p)); }
    static B query_codes(const std::int8_t* p) { return _mm512_loadu_si512(p); }
    static B query_codes(const std::int8_t* p, ITail m) { return _mm512_maskz_loadu_epi8(m, p); }
    static I mac(I acc, B q, B x) { return _mm512_dpbusd_epi32(acc, x, q); }
    static B flip(B v) { return _mm512_xor_si512(v, _mm512_set1_epi8(static_cast<char>(0x80))); }

    static float reduce1(V v) { return simd::avx512::hsum(v); }
    static void reduce4(const V* acc, float* out) {
        _mm_storeu_ps(out, _mm512_castps512_ps128(tree4(acc, [](__m512 a, __m512 b) { return _mm512_add_ps(a, b); })));
    }
    // Integer sums are exact in any order.
    static std::int32_t reduce1(I v) { return _mm512_reduce_add_epi32(v); }
    static void reduce4(const I* acc, std::int32_t* out) {
        const __m512 a[4] = {_mm512_castsi512_ps(acc[0]), _mm512_castsi512_ps(acc[1]), _mm512_castsi512_ps(acc[2]),
                             _mm512_castsi512_ps(acc[3])};
        const __m512 s = tree4(a, [](__m512 x, __m512 y) {
            return _mm512_castsi512_ps(_mm512_add_epi32(_mm512_castps_si512(x), _mm512_castps_si512(y)));
        });
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out), _mm512_castsi512_si128(_mm512_castps_si512(s)));
    }
};

void to_f16(const float* in, std::uint16_t* out, std::size_t n) {
    std::size_t i = 0;
    for (; i + 16 <= n; i += 16)
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i),
                            _mm512_cvtps_ph(_mm512_loadu_ps(in + i), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
    if (i < n) {
        const __mmask16 m = tail_mask(n - i);
        _mm256_mask_storeu_epi16(out + i, m,
                                 _mm512_cvtps_ph(_mm512_maskz_loadu_ps(m, in + i),
                                                 _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
    }
}

void from_f16(const std::uint16_t* in, float* out, std::size_t n) {
    std::size_t i = 0;
    for (; i + 16 <= n; i += 16) _mm512_storeu_ps(out + i, Isa::load(in + i));
    if (i < n) {
        const __mmask16 m = tail_mask(n - i);
        _mm512_mask_storeu_ps(out + i, m, Isa::load(in + i, m));
    }
}

}  // namespace

const Kernels table = {Dot<Isa>::f32, Dot<Isa>::f16, Dot<Isa>::i8, to_f16, from_f16};

}  // namespace pyrec::index::avx512
