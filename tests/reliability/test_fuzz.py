"""Property tests: sniff_video and walk on generated files and trees, and the
native core's Python API in a subprocess (a crash must fail the test, not
take the test runner down with it)."""

from __future__ import annotations

import os
import signal
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pyrec.scan.walk import SYSTEM_DIRS, VIDEO_EXTENSIONS, Walker, sniff_video

from .conftest import SCRIPTS, run_py

MAGIC = [b"\x00\x00\x00\x18ftypisom", b"\x1a\x45\xdf\xa3", b"RIFF\x00\x00\x00\x00AVI ", b"FLV\x01", b"OggS",
         b"\x00\x00\x01\xba", b"\x30\x26\xb2\x75\x8e\x66\xcf\x11"]
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(head=st.sampled_from([b"", *MAGIC]), body=st.binary(max_size=600))
def test_sniff_video_never_raises(head: bytes, body: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x"
        path.write_bytes(head + body)
        result = sniff_video(path)
        assert isinstance(result, bool)
        if head and len(head + body) >= 12:
            assert result, (head + body)[:16]
        assert sniff_video(Path(tmp)) is False  # a folder
        assert sniff_video(Path(tmp) / "missing") is False


name_bytes = st.binary(min_size=1, max_size=12).filter(lambda b: b"/" not in b and b"\0" not in b
                                                      and b not in (b".", b".."))
texty = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="/\0"), min_size=1, max_size=10)
names = st.one_of(texty.map(os.fsencode), name_bytes, st.sampled_from([os.fsencode(n) for n in SYSTEM_DIRS]))
kinds = st.sampled_from(["video", "other", "dir", "loop"])
entries = st.lists(st.tuples(st.integers(0, 6), names, kinds, st.sampled_from(sorted(VIDEO_EXTENSIONS))),
                   max_size=25)


def _hidden(part: bytes) -> bool:
    return part.startswith(b".") or os.fsdecode(part) in SYSTEM_DIRS


@FAST
@given(spec=entries)
def test_walk_finds_exactly_the_visible_videos(spec: list[tuple[int, bytes, str, str]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = os.fsencode(tmp)
        dirs: list[bytes] = [root]
        expected: set[bytes] = set()
        for parent_i, name, kind, ext in spec:
            parent = dirs[parent_i % len(dirs)]
            if kind == "dir":
                path = os.path.join(parent, name)
                if not os.path.lexists(path):
                    os.mkdir(path)
                    dirs.append(path)
                continue
            if kind == "loop":
                path = os.path.join(parent, name + b".lnk")
                if not os.path.lexists(path):
                    os.symlink(root, path)  # back to the root: a loop
                continue
            path = os.path.join(parent, name + (os.fsencode(ext) if kind == "video" else b".bin"))
            if os.path.lexists(path) or len(os.path.basename(path)) > 255:
                continue
            with open(path, "wb") as fh:
                fh.write(b"not a video at all")  # unknown extensions are sniffed: must say no
            rel = os.path.relpath(path, root).split(b"/")
            if kind == "video" and not any(_hidden(p) for p in rel):
                expected.add(path)
        report = Walker().walk([tmp])
        found = [os.fsencode(f.path) for f in report.files]
        assert len(found) == len(set(found))  # loops and revisits list a file once
        assert set(found) == expected
        assert report.errors == []


def test_core_api_never_crashes() -> None:
    """VectorIndex and ImplicitALS with random shapes, dtypes, ids, NaN and
    mutated bytes: Python exceptions only."""
    seed = os.environ.get("PYREC_FUZZ_SEED", "0")
    run = run_py(["-W", "ignore", "-X", "faulthandler", str(SCRIPTS / "fuzz_core.py"), "300", seed], timeout=240)
    if run.code < 0:
        pytest.fail(f"the core crashed with {signal.Signals(-run.code).name}:\n{run.stderr[-3000:]}")
    assert run.code == 0, run.stderr[-3000:]
    assert run.stdout.strip().endswith("survived")


@pytest.mark.slow
@pytest.mark.timeout(1800)  # 8 seeds x 2000 examples take about 5 minutes
def test_core_api_never_crashes_long() -> None:
    for seed in range(1, 9):
        run = run_py(["-W", "ignore", "-X", "faulthandler", str(SCRIPTS / "fuzz_core.py"), "2000", str(seed)],
                     timeout=900)
        assert run.code == 0, (seed, run.stderr[-3000:])


TOP0 = """
import numpy as np
from scipy import sparse
from pyrec.core import ImplicitALS
m = ImplicitALS(factors=8, iterations=2, random_state=0, num_threads=1)
m.fit(sparse.csr_matrix(np.ones((6, 3), np.float32)))
for call in (lambda: m.similar_items(0, N=0),
             lambda: m.recommend(0, sparse.csr_matrix(np.array([[1, 0, 1]], np.float32)), N=0)):
    try:
        ids, scores = call()
        assert len(ids) == len(scores) == 0
    except ValueError:
        pass  # refusing N=0 is fine too
print("ok")
"""


def test_als_top0_does_not_crash() -> None:
    run = run_py(["-c", TOP0])
    assert run.code == 0 and run.stdout.strip() == "ok", f"exit {run.code}: {run.stderr[-1500:]}"
