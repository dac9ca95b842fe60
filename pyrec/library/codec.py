"""Conversions between Python values and what the SQLite file stores.

Paths: Linux file names are bytes and may not be valid UTF-8; Python hands them
over with surrogate escapes, which sqlite3 refuses to bind as text. We bind the
raw file-system bytes and let SQL relabel them (``CAST(? AS TEXT)``), and read
text back with a surrogate-escaping decoder, so every path round-trips exactly.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping

import numpy as np

# Every SQL statement that binds a path uses this placeholder with path_param().
PATH_SQL = "CAST(? AS TEXT)"
MAX_ERROR_CHARS = 2000
_LE_F32 = np.dtype("<f4")
_SURROGATE = re.compile("[\ud800-\udfff]")


def path_param(path: str | os.PathLike[str]) -> bytes:
    return os.fsencode(path)


def decode_db_text(raw: bytes) -> str:
    """sqlite3 text_factory: UTF-8, with undecodable bytes kept as surrogates."""
    return raw.decode("utf-8", "surrogateescape")


def clean_text(value: str | None) -> str:
    """Free text (titles, names, errors) as valid UTF-8: lone surrogates become U+FFFD."""
    if not value:
        return ""
    return _SURROGATE.sub("\ufffd", value)


def one_line(value: str, limit: int = MAX_ERROR_CHARS) -> str:
    text = " ".join(clean_text(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


_WORD = re.compile(r"\w+")


def fts_match(query: str) -> str | None:
    """An FTS5 MATCH for every word of ``query``, the last one as a prefix.
    Plain words only: FTS syntax in user input is quoted away, so no query
    can raise. None when the query holds no word."""
    words = _WORD.findall(query)
    if not words:
        return None
    return (" ".join(f'"{w}"' for w in words[:-1]) + f' "{words[-1]}"*').strip()


def normalize_name(name: str) -> str:
    """Entity names compare case-insensitively in SQL; here we only tidy spaces."""
    return " ".join(clean_text(name).split())


def encode_vector(vector: np.ndarray) -> tuple[int, bytes]:
    """A 1-D finite vector as (dim, float32 little-endian bytes)."""
    array = np.asarray(vector)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"an embedding must be a non-empty 1-D array, got shape {array.shape}")
    array = array.astype(_LE_F32, copy=False)
    if not np.isfinite(array).all():
        raise ValueError("an embedding contains NaN or infinity")
    return int(array.size), array.tobytes()


def stack_vectors(blobs: list[bytes], dim: int) -> np.ndarray:
    """Many equal-length blobs → one writable [n, dim] float32 matrix, one join."""
    # bytearray.join gives a mutable buffer, so the matrix is writable without a second copy.
    buffer = bytearray().join(blobs)
    matrix = np.frombuffer(buffer, dtype=_LE_F32).reshape(len(blobs), dim)
    return matrix.astype(np.float32, copy=False)


def encode_stats(stats: Mapping[str, float]) -> str:
    clean = {clean_text(str(k)): float(v) for k, v in stats.items()}
    # JSON has no NaN/Infinity; a non-finite stat is meaningless anyway.
    return json.dumps({k: v for k, v in clean.items() if np.isfinite(v)}, sort_keys=True)


def decode_stats(text: str | None) -> dict[str, float]:
    if not text:
        return {}
    data = json.loads(text)
    return {str(k): float(v) for k, v in data.items()} if isinstance(data, dict) else {}


def encode_sources(sources: tuple[str, ...]) -> str:
    return json.dumps([clean_text(os.fspath(s)) for s in sources])  # Paths welcome too


def decode_sources(text: str | None) -> tuple[str, ...]:
    if not text:
        return ()
    data = json.loads(text)
    return tuple(str(s) for s in data) if isinstance(data, list) else ()
