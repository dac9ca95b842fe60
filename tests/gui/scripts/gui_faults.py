"""``index_fn`` stand-ins for GUI scan tests, imported by spawned scan workers
by module name (the test puts this folder on sys.path). Test code only."""

from __future__ import annotations

import os

from pyrec.records import FileStat, ScanFailure, VideoRecord
from pyrec.scan.indexer import IndexOptions, index_file

IN_APP = "indexed inside the app's own process"


def only_in_a_worker(app_pid: int, stat: FileStat, options: IndexOptions) -> VideoRecord | ScanFailure:
    """index_file, but a file indexed in the app's process is reported as failed."""
    if os.getpid() == app_pid:
        return ScanFailure(stat, f"{stat.path}: {IN_APP}")
    return index_file(stat, options)


def abort_on(victim: str, stat: FileStat, options: IndexOptions) -> VideoRecord | ScanFailure:
    """The process dies with SIGABRT (as a decoder assert would) on ``victim``."""
    if stat.path == victim:
        os.abort()
    return index_file(stat, options)
