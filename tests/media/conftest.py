"""Deep-pass stages defined by these tests run in the pass's spawned worker
process, which must import them as the test did (pytest imports this package
as ``media``, by import mode importlib, without touching sys.path)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def stages_on_path(monkeypatch: pytest.MonkeyPatch) -> None:
    # spawn hands the parent's sys.path to the child
    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parent.parent))
