"""to_bytes / from_bytes: lossless round trips; bad bytes raise ValueError."""

from __future__ import annotations

import pickle
import struct

import numpy as np
import pytest

from pyrec.core import VectorIndex

HEADER = 48


def sample(dtype: str, metric: str, n: int = 300, dim: int = 19) -> VectorIndex:
    rng = np.random.default_rng(0)
    index = VectorIndex(dim, metric=metric, dtype=dtype)
    index.add(rng.permutation(10 * n)[:n], rng.standard_normal((n, dim)).astype(np.float32))
    index.remove(index.ids()[:7])  # the snapshot must reflect swaps too
    return index


@pytest.mark.parametrize("metric", ["cosine", "dot"])
@pytest.mark.parametrize("dtype", ["f32", "f16", "i8"])
def test_round_trip_preserves_contents_and_results(dtype: str, metric: str) -> None:
    index = sample(dtype, metric)
    data = index.to_bytes()
    for loaded in (VectorIndex.from_bytes(data), VectorIndex.from_bytes(bytearray(data)), pickle.loads(pickle.dumps(index))):
        assert (loaded.dim, loaded.metric, loaded.dtype, len(loaded)) == (index.dim, metric, dtype, len(index))
        np.testing.assert_array_equal(loaded.ids(), index.ids())
        np.testing.assert_array_equal(loaded.get(index.ids()), index.get(index.ids()))
        queries = np.random.default_rng(1).standard_normal((5, index.dim)).astype(np.float32)
        for got, want in zip(loaded.search(queries, 15), index.search(queries, 15)):
            np.testing.assert_array_equal(got, want)
        assert loaded.to_bytes() == data


def test_empty_index_round_trips() -> None:
    loaded = VectorIndex.from_bytes(VectorIndex(3, dtype="i8").to_bytes())
    assert len(loaded) == 0 and loaded.dim == 3 and loaded.dtype == "i8"


def test_loaded_index_stays_editable() -> None:
    loaded = VectorIndex.from_bytes(sample("f32", "dot").to_bytes())
    loaded.add([123456], np.full((1, 19), 5.0, dtype=np.float32))
    assert loaded.search(np.ones(19), 1)[0].tolist() == [123456]
    loaded.remove([123456])
    assert 123456 not in loaded


@pytest.mark.parametrize("dtype", ["f32", "f16", "i8"])
def test_every_truncation_is_rejected(dtype: str) -> None:
    data = sample(dtype, "cosine", n=12, dim=5).to_bytes()
    for cut in range(len(data)):
        with pytest.raises(ValueError):
            VectorIndex.from_bytes(data[:cut])
    with pytest.raises(ValueError):
        VectorIndex.from_bytes(data + b"\0")


@pytest.mark.parametrize("dtype", ["f32", "f16", "i8"])
def test_any_flipped_byte_is_rejected(dtype: str) -> None:
    data = sample(dtype, "dot", n=12, dim=5).to_bytes()
    for pos in range(len(data)):
        corrupt = bytearray(data)
        corrupt[pos] ^= 0x5A
        with pytest.raises(ValueError):
            VectorIndex.from_bytes(bytes(corrupt))


def patched(data: bytes, offset: int, fmt: str, value: int) -> bytes:
    out = bytearray(data)
    struct.pack_into(fmt, out, offset, value)
    return bytes(out)


@pytest.mark.parametrize(
    "offset, fmt, value, match",
    [
        (8, "<I", 2, "version 2 is not supported"),
        (16, "<I", 0, "dim 0"),
        (20, "<B", 7, "unknown metric"),
        (21, "<B", 9, "unknown dtype"),
        (24, "<Q", 2**61, "does not match"),
    ],
)
def test_header_fields_are_validated(offset: int, fmt: str, value: int, match: str) -> None:
    data = sample("f32", "dot", n=4, dim=3).to_bytes()
    with pytest.raises(ValueError, match=match):
        VectorIndex.from_bytes(patched(data, offset, fmt, value))


MASK = 2**64 - 1
MUL = 0x9E3779B97F4A7C15


def payload_checksum(payload: bytes) -> int:
    """The format's checksum (persist.cpp), so tests can forge well-signed bad payloads."""
    lanes = [1, 2, 3, 4]
    full = len(payload) // 32 * 32
    for i in range(0, full, 32):
        for lane in range(4):
            (word,) = struct.unpack_from("<Q", payload, i + 8 * lane)
            x = ((lanes[lane] ^ word) * MUL) & MASK
            lanes[lane] = x ^ (x >> 29)
    h = len(payload)
    for value in lanes + list(payload[full:]):
        h = (((h ^ value) * MUL) & MASK) ^ (h >> 31)
    return h


def resigned(data: bytearray) -> bytes:
    struct.pack_into("<Q", data, 32, payload_checksum(bytes(data[HEADER:])))
    return bytes(data)


def test_checksum_matches_the_documented_algorithm() -> None:
    for dtype in ("f32", "f16", "i8"):
        data = sample(dtype, "dot", n=9, dim=7).to_bytes()
        assert struct.unpack_from("<Q", data, 32)[0] == payload_checksum(data[HEADER:])


def two_rows(dtype: str) -> bytearray:
    index = VectorIndex(2, metric="dot", dtype=dtype)
    index.add([7, 8], [[1.0, -2.0], [3.0, 4.0]])
    return bytearray(index.to_bytes())


@pytest.mark.parametrize(
    "dtype, offset, fmt, value, match",
    [
        ("f32", HEADER + 8, "<q", 7, "duplicate ids"),
        ("f32", HEADER, "<q", -4, "negative id"),
        ("f32", HEADER + 16, "<I", 0x7FC00000, "non-finite"),  # NaN
        ("f16", HEADER + 16, "<H", 0x7C00, "non-finite"),  # +inf
        ("i8", HEADER + 16, "<f", -1.0, "invalid i8 scale"),
        ("i8", HEADER + 24, "<b", -128, "code -128"),
        ("f32", 22, "<H", 1, "reserved"),
    ],
)
def test_values_are_validated_behind_a_valid_checksum(dtype: str, offset: int, fmt: str, value: float, match: str) -> None:
    data = two_rows(dtype)
    struct.pack_into(fmt, data, offset, value)
    with pytest.raises(ValueError, match=match):
        VectorIndex.from_bytes(resigned(data))


@pytest.mark.parametrize("garbage", [b"", b"PYRECVI", b"\0" * 100, b"not an index at all, just text" * 4])
def test_garbage_is_rejected(garbage: bytes) -> None:
    with pytest.raises(ValueError):
        VectorIndex.from_bytes(garbage)


def test_non_bytes_input_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        VectorIndex.from_bytes("PYRECVI")  # type: ignore[arg-type]
