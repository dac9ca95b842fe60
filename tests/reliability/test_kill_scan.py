"""SIGKILL a real ``pyrec scan`` at random moments, over and over, on one
library: after every kill the file passes integrity_check and every video
committed before is still whole; a final rescan finishes the rest."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import SCRIPTS, child_env

Snapshot = dict[str, tuple[int, tuple[str, ...], int]]  # path -> (keyframes, embedding models, labels)


def snapshot(db: Path) -> Snapshot:
    """Every 'ok' video with what hangs off it; asserts the file is sound."""
    con = sqlite3.connect(db, timeout=30)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        rows = con.execute(
            """SELECT v.path,
                      (SELECT count(*) FROM keyframes k WHERE k.video_id = v.id),
                      (SELECT group_concat(model_id) FROM (SELECT model_id FROM embeddings e
                                                           WHERE e.video_id = v.id ORDER BY model_id)),
                      (SELECT count(*) FROM labels l WHERE l.video_id = v.id)
               FROM videos v WHERE v.status = 'ok'"""
        ).fetchall()
    finally:
        con.close()
    return {p: (k, tuple((m or "").split(",")), n) for p, k, m, n in rows}


def lost_rows(before: Snapshot, after: Snapshot) -> list[str]:
    """Videos that were whole before and are gone, failed or changed now."""
    return [p for p, v in before.items() if after.get(p) != v]


def kill_soak(clips: Path, tmp_path: Path, kills: int, seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    db = tmp_path / "lib.sqlite"
    files = sorted(clips.rglob("*.mp4"))
    stats = {"kills": 0, "completed_runs": 0, "rows_lost": 0, "max_rows": 0}
    before: Snapshot = {}
    env = child_env(XDG_CACHE_HOME=str(tmp_path / "cache"))
    while stats["kills"] < kills:
        jobs = 1 if stats["kills"] % 5 < 3 else 2  # 60% in-process, 40% with workers
        cmd = [sys.executable, str(SCRIPTS / "guarded_cli.py"), "scan", str(clips), "--db", str(db),
               "--jobs", str(jobs), "--json"]
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                start_new_session=True)
        delay = rng.uniform(0.05, 1.8 if jobs == 1 else 2.5)
        try:
            proc.wait(timeout=delay)
            finished = True
        except subprocess.TimeoutExpired:
            finished = False
            os.kill(proc.pid, signal.SIGKILL)  # the writer first, as the OOM killer would
            try:
                os.killpg(proc.pid, signal.SIGKILL)  # then its orphaned workers
            except ProcessLookupError:
                pass
        _, stderr = proc.communicate(timeout=30)
        if finished:
            assert proc.returncode == 0, stderr.decode(errors="replace")
            stats["completed_runs"] += 1
            # Keep later kills landing in writes: change three files so they are re-indexed.
            for f in rng.sample(files, 3):
                with open(f, "ab") as fh:
                    fh.write(b"\0")
        else:
            stats["kills"] += 1
        if not db.exists():
            continue  # killed before the library was even created
        after = snapshot(db)
        lost = lost_rows(before, after)
        stats["rows_lost"] += len(lost)
        assert not lost, f"kill {stats['kills']}: lost or damaged {lost}"
        before = after
        stats["max_rows"] = max(stats["max_rows"], len(after))
    time.sleep(0.1)
    final = subprocess.run([sys.executable, str(SCRIPTS / "guarded_cli.py"), "scan", str(clips), "--db", str(db),
                            "--jobs", "2", "--json"], env=env, capture_output=True, timeout=180, check=False)
    assert final.returncode == 0, final.stderr.decode(errors="replace")
    summary = json.loads(final.stdout)
    assert summary["failed"] == 0 and summary["errors"] == [], summary
    assert summary["added"] + summary["updated"] + summary["unchanged"] == len(files), summary
    whole = snapshot(db)
    assert not lost_rows(before, whole)
    assert len(whole) == len(files)
    assert all(k > 0 and "efficientnet-lite0/pool" in m for k, m, _ in whole.values()), whole
    again = json.loads(subprocess.run(cmd[:-3] + ["--jobs", "1", "--json"], env=env, capture_output=True,
                                      timeout=120, check=True).stdout)
    assert again["unchanged"] == len(files) and again["added"] == again["updated"] == 0
    stats["final_added_updated_unchanged"] = summary["added"] + summary["updated"] + summary["unchanged"]
    return stats


def test_sigkill_during_scan_loses_nothing(clips: Path, tmp_path: Path, record_property: pytest.RecordProperty) -> None:
    stats = kill_soak(clips, tmp_path, kills=50, seed=int(os.environ.get("PYREC_SOAK_SEED", "1234")))
    record_property("kill_soak", stats)
    print("kill soak:", stats)
    assert stats["kills"] == 50 and stats["rows_lost"] == 0


@pytest.mark.slow
@pytest.mark.timeout(1800)  # 300 kills take about 6 minutes on 2 cores
def test_sigkill_soak_long(clips: Path, tmp_path: Path) -> None:
    stats = kill_soak(clips, tmp_path, kills=300, seed=random.randrange(1 << 30))
    print("kill soak:", stats)
    assert stats["rows_lost"] == 0
