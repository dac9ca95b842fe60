"""Top-k search speed: VectorIndex (f32/f16/i8) against NumPy, side by side.

    python benchmarks/bench_search.py                 # 200k x 512, k=10
    python benchmarks/bench_search.py --n 20000 --repeat 3

For one query and for a batch, prints the median time, the speed-up over
NumPy f32 (``X @ q`` + ``argpartition`` + sort of the k), the recall@k against
NumPy's exact answer, and how close the scan comes to the memory-bandwidth
bound: bytes the scan must read / copy bandwidth, where copy bandwidth is
(bytes read + bytes written) / time of a large ``np.copyto``.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from functools import partial

import numpy as np

from pyrec.core import VectorIndex, simd_level

BYTES_PER_DIM = {"f32": 4, "f16": 2, "i8": 1}  # what the scan reads (i8: codes only)


def median_seconds(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm-up: page faults, lazy allocations, thread start
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def copy_bandwidth(x: np.ndarray, repeat: int) -> float:
    dst = np.empty_like(x)
    best = min(median_seconds(lambda: np.copyto(dst, x), 1) for _ in range(max(repeat, 3)))
    return 2 * x.nbytes / best


def numpy_topk(x: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    scores = np.atleast_2d(queries) @ x.T
    part = np.argpartition(-scores, k, axis=1)[:, :k]
    order = np.argsort(-np.take_along_axis(scores, part, axis=1), axis=1, kind="stable")
    return np.take_along_axis(part, order, axis=1)


def recall(got: np.ndarray, truth: np.ndarray) -> float:
    got, truth = np.atleast_2d(got), np.atleast_2d(truth)
    return float(np.mean([len(set(g) & set(t)) / len(t) for g, t in zip(got.tolist(), truth.tolist())]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=200_000)
    parser.add_argument("--dim", type=int, default=512)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--threads", type=int, default=0, help="VectorIndex num_threads (0 = all cores)")
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    x = rng.standard_normal((args.n, args.dim), dtype=np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    queries = rng.standard_normal((args.batch, args.dim), dtype=np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    q1 = queries[0]
    ids = np.arange(args.n, dtype=np.int64)

    bandwidth = copy_bandwidth(x, args.repeat)
    truth1 = numpy_topk(x, q1, args.k)
    truth = numpy_topk(x, queries, args.k)
    numpy1 = median_seconds(partial(numpy_topk, x, q1, args.k), args.repeat)
    numpyb = median_seconds(partial(numpy_topk, x, queries, args.k), max(1, args.repeat // 2))

    print(f"n={args.n} dim={args.dim} k={args.k} batch={args.batch} simd={simd_level()} "
          f"copy bandwidth={bandwidth / 1e9:.1f} GB/s (read+write)")
    header = f"{'case':<24}{'ms':>10}{'x NumPy f32':>13}{'% of bound':>12}{'recall@k':>10}"
    print(header)
    print("-" * len(header))
    bound1 = x.nbytes / bandwidth
    print(f"{'numpy f32  1 query':<24}{numpy1 * 1e3:>10.2f}{1.0:>13.2f}{100 * bound1 / numpy1:>11.0f}%{1.0:>10.3f}")
    print(f"{f'numpy f32  {args.batch} queries':<24}{numpyb * 1e3:>10.2f}{1.0:>13.2f}{'':>12}{1.0:>10.3f}")

    for dtype in ("f32", "f16", "i8"):
        index = VectorIndex(args.dim, metric="cosine", dtype=dtype, num_threads=args.threads)
        index.add(ids, x)
        bound = args.n * args.dim * BYTES_PER_DIM[dtype] / bandwidth
        t1 = median_seconds(partial(index.search, q1, args.k), args.repeat)
        tb = median_seconds(partial(index.search, queries, args.k), max(1, args.repeat // 2))
        r1 = recall(index.search(q1, args.k)[0], truth1)
        rb = recall(index.search(queries, args.k)[0], truth)
        print(f"{f'{dtype:<4}       1 query':<24}{t1 * 1e3:>10.2f}{numpy1 / t1:>13.2f}{100 * bound / t1:>11.0f}%{r1:>10.3f}")
        print(f"{f'{dtype:<4}       {args.batch} queries':<24}{tb * 1e3:>10.2f}{numpyb / tb:>13.2f}{'':>12}{rb:>10.3f}")
        del index  # free this dtype's copy before building the next


if __name__ == "__main__":
    main()
