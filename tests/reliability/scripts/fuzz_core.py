"""Hypothesis against the native core's Python face, in its own process: a
crash (segfault, abort) kills only this process and the test sees it. Any
Python exception is fine; exit 0 means no input crashed the core.

Usage: fuzz_core.py EXAMPLES SEED"""

from __future__ import annotations

import sys

import numpy as np
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from pyrec.core import ImplicitALS, VectorIndex

EXAMPLES = int(sys.argv[1]) if len(sys.argv) > 1 else 200
SEED = int(sys.argv[2]) if len(sys.argv) > 2 else 0
# Known: _core.als_topk segfaults when k == 0 (ImplicitALS.similar_items(i, N=0),
# and recommend(u, liked, N=0)). Regression test: test_fuzz.py::test_als_top0_does_not_crash.
# Until it is fixed N=0 is left out here, or it would hide every other finding.
N_VALUES = st.integers(-2, 12)  # includes N = 0 and invalid negatives
CFG = settings(max_examples=EXAMPLES, deadline=None, database=None,
               suppress_health_check=list(HealthCheck))

dtypes = st.sampled_from([np.float32, np.float64, np.float16, np.int64, np.int8, np.uint8, np.bool_, np.complex64])
floats = st.floats(allow_nan=True, allow_infinity=True, width=32)


def arrays(max_dims: int = 3) -> st.SearchStrategy[np.ndarray]:
    return dtypes.flatmap(lambda dt: hnp.arrays(dt, hnp.array_shapes(min_dims=0, max_dims=max_dims, max_side=9),
                                                 elements=None if dt is not np.float32 else floats))


def attempt(fn, *args, **kw) -> object:
    try:
        return fn(*args, **kw)
    except Exception:  # noqa: BLE001 - a clear Python error is the right answer to junk
        return None


def mutate(blob: bytes, data: st.DataObject) -> bytes:
    if not blob:
        return data.draw(st.binary(max_size=64))
    b = bytearray(blob)
    for _ in range(data.draw(st.integers(1, 8))):
        op = data.draw(st.sampled_from(["flip", "cut", "grow", "int"]))
        i = data.draw(st.integers(0, max(0, len(b) - 1)))
        if op == "flip" and b:
            b[i] ^= data.draw(st.integers(1, 255))
        elif op == "cut":
            del b[i:]
        elif op == "grow":
            b[i:i] = data.draw(st.binary(max_size=32))
        elif op == "int" and len(b) >= i + 8:
            b[i:i + 8] = data.draw(st.sampled_from([0, 1, 2**31 - 1, 2**32, 2**62, 2**64 - 1])).to_bytes(8, "little")
    return bytes(b)


@seed(SEED)
@CFG
@given(dim=st.integers(-2, 70), metric=st.sampled_from(["cosine", "ip", "l2", "bogus"]),
       dtype=st.sampled_from(["f32", "f16", "i8", "x"]), ids=arrays(2), vecs=arrays(), q=arrays(),
       k=st.integers(-3, 40), data=st.data())
def fuzz_vector_index(dim, metric, dtype, ids, vecs, q, k, data) -> None:
    index = attempt(VectorIndex, dim, metric, dtype)
    if index is None:
        return
    attempt(index.add, ids, vecs)
    n = data.draw(st.integers(0, 20))
    good = np.random.default_rng(n).standard_normal((n, dim)).astype(np.float32) if dim > 0 else None
    if good is not None:
        good[data.draw(st.integers(0, max(0, n - 1))) if n else 0:][:1] = np.nan if data.draw(st.booleans()) else 0
        attempt(index.add, np.arange(n) * data.draw(st.sampled_from([1, -1, 2**40])), good)
    attempt(index.search, q, k)
    attempt(index.search, q, k, exclude=ids, allow=data.draw(st.sampled_from([None, [], [-1, 0, 2**62]])))
    attempt(index.remove, ids)
    attempt(index.get, ids)
    blob = attempt(index.to_bytes) or b""
    attempt(VectorIndex.from_bytes, mutate(blob, data))
    attempt(VectorIndex.from_bytes, data.draw(st.binary(max_size=256)))


@seed(SEED)
@CFG
@given(factors=st.integers(-1, 12), users=st.integers(0, 8), items=st.integers(0, 8),
       density=st.floats(0, 1), weird=st.sampled_from([0.0, -1.0, np.nan, np.inf, 1e30]), data=st.data())
def fuzz_als(factors, users, items, density, weird, data) -> None:
    from scipy import sparse

    rng = np.random.default_rng(users * 31 + items)
    dense = (rng.random((users, items)) < density).astype(np.float32)
    if dense.size and data.draw(st.booleans()):
        dense.flat[data.draw(st.integers(0, dense.size - 1))] = weird
    model = attempt(ImplicitALS, factors=factors, iterations=2, random_state=0, num_threads=1)
    if model is None:
        return
    csr = sparse.csr_matrix(dense)
    attempt(model.fit, csr)
    attempt(model.fit, data.draw(arrays(2)))
    uid = data.draw(st.one_of(st.integers(-3, 12), arrays(1)))
    attempt(model.recommend, uid, csr, N=data.draw(N_VALUES))
    attempt(model.recommend, uid, csr, N=data.draw(N_VALUES), filter_items=data.draw(arrays(1)))
    attempt(model.similar_items, data.draw(st.integers(-3, 12)), N=data.draw(N_VALUES))
    attempt(model.recalculate_user, uid, csr)
    attempt(model.partial_fit_users, data.draw(arrays(1)), csr)
    attempt(setattr, model, "item_factors", data.draw(arrays(2)))
    attempt(model.recommend, 0, csr)
    blob = attempt(model.to_bytes) or b""
    attempt(ImplicitALS.from_bytes, mutate(blob, data))
    attempt(ImplicitALS.from_bytes, data.draw(st.binary(max_size=256)))


if __name__ == "__main__":
    fuzz_vector_index()
    fuzz_als()
    print("survived")
