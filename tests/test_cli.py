"""The CLI contract: commands, --json fields, exit codes, one-line errors."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from pyrec.cli import main
from pyrec.demo.clips import render_clip

NFO = """<movie><title>Blue Hour</title><year>2020</year><plot>Fishing boats at dawn.</plot>
<genre>Documentary</genre><director>Ana Ruiz</director></movie>"""


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A scanned library of three clips (made once; tests copy the db)."""
    base = tmp_path_factory.mktemp("cli")
    media = base / "media"
    render_clip(media / "Blue.Hour.2020.mp4", "ocean", seconds=2, seed=1)
    (media / "Blue.Hour.2020.nfo").write_text(NFO)
    render_clip(media / "Night.Run.mp4", "city-night", seconds=2, seed=2)
    render_clip(media / "Kids" / "Shapes.mp4", "cartoon", seconds=2, seed=3)
    db = base / "lib.sqlite"
    os.environ["PYREC_CACHE"] = str(base / "cache")
    try:
        assert main(["scan", str(media), "--db", str(db), "--jobs", "1"]) == 0
    finally:
        del os.environ["PYREC_CACHE"]
    return db, media


@pytest.fixture
def db(scanned: tuple[Path, Path], tmp_path: Path) -> Path:
    copy = tmp_path / "lib.sqlite"
    shutil.copy(scanned[0], copy)
    return copy


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> object:
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_scan_json_summary_has_the_documented_fields(scanned, db: Path, capsys) -> None:
    summary = run_json(capsys, "scan", str(scanned[1]), "--db", str(db))
    assert {"added", "updated", "moved", "unchanged", "missing", "failed", "seconds"} <= set(summary)
    assert (summary["unchanged"], summary["added"], summary["failed"]) == (3, 0, 0)


def test_scan_without_dirs_rescans_the_library_folders(scanned, db: Path, capsys) -> None:
    assert run_json(capsys, "folders", "--db", str(db)) == [str(scanned[1])]
    summary = run_json(capsys, "scan", "--db", str(db))
    assert summary["unchanged"] == 3


def test_scan_of_only_broken_files_exits_1_with_one_line_errors(tmp_path: Path, capsys) -> None:
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "empty.mp4").write_bytes(b"")
    (junk / "fake.mkv").write_text("not a video\n" * 20)
    code = main(["scan", str(junk), "--db", str(tmp_path / "x.sqlite")])
    captured = capsys.readouterr()
    assert code == 1
    errors = [line for line in captured.err.splitlines() if line.startswith("error:")]
    assert len(errors) == 2
    assert any("empty.mp4" in e for e in errors) and any("fake.mkv" in e for e in errors)


def test_list_and_show(db: Path, capsys) -> None:
    videos = run_json(capsys, "list", "--db", str(db))
    assert sorted(v["title"] for v in videos) == ["Blue Hour", "Night Run", "Shapes"]
    blue = next(v for v in videos if v["title"] == "Blue Hour")
    assert {"id", "path", "title", "duration", "status"} <= set(blue)
    detail = run_json(capsys, "show", str(blue["id"]), "--db", str(db))
    assert detail["plot"] == "Fishing boats at dawn."
    assert {"kind": "person", "name": "Ana Ruiz", "role": "director"}.items() <= next(
        e for e in detail["entities"] if e["kind"] == "person").items()
    by_path = run_json(capsys, "show", blue["path"], "--db", str(db))
    assert by_path["id"] == blue["id"]


def test_unknown_video_is_one_clear_error(db: Path, capsys) -> None:
    assert main(["show", "/no/such/file.mp4", "--db", str(db)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: /no/such/file.mp4") and "\n" not in err


def test_events_history_forget(db: Path, capsys) -> None:
    assert run_json(capsys, "like", "1", "--db", str(db))["recorded"] is True
    run_json(capsys, "rate", "2", "7.5", "--db", str(db))
    run_json(capsys, "profiles", "--create", "kids", "--db", str(db))  # profiles other than the default are made on purpose
    run_json(capsys, "hide", "3", "--db", str(db), "--profile", "kids")
    history = run_json(capsys, "history", "--db", str(db))
    assert [(e["kind"], e["video"]["id"]) for e in history] == [("rate", 2), ("like", 1)]
    assert run_json(capsys, "history", "--db", str(db), "--profile", "kids")[0]["kind"] == "hide"
    assert run_json(capsys, "forget", "--db", str(db)) == {"profile": "default", "deleted": 2}
    assert run_json(capsys, "history", "--db", str(db)) == []
    assert len(run_json(capsys, "history", "--db", str(db), "--profile", "kids")) == 1


def test_profiles_are_created_on_purpose_and_a_typo_is_one_clear_error(db: Path, capsys) -> None:
    assert run_json(capsys, "profiles", "--db", str(db)) == []  # a fresh library has none
    assert run_json(capsys, "history", "--db", str(db)) == []  # the default profile reads as empty
    assert run_json(capsys, "profiles", "--db", str(db)) == []  # ... and reading did not create it
    assert main(["like", "1", "--profile", "kdis", "--db", str(db)]) == 1
    err = capsys.readouterr().err.strip()
    assert "no profile named 'kdis'" in err and "\n" not in err
    assert main(["history", "--profile", "kdis", "--db", str(db)]) == 1
    assert "no profile named 'kdis'" in capsys.readouterr().err
    assert run_json(capsys, "like", "1", "--db", str(db))["recorded"] is True  # the default profile needs no set-up
    assert [p["name"] for p in run_json(capsys, "profiles", "--db", str(db))] == ["default"]


def test_incognito_profile_records_nothing(db: Path, capsys) -> None:
    profiles = run_json(capsys, "profiles", "--create", "guest", "--incognito", "--db", str(db))
    assert {"name": "guest", "incognito": True}.items() <= next(p for p in profiles if p["name"] == "guest").items()
    assert run_json(capsys, "like", "1", "--profile", "guest", "--db", str(db))["recorded"] is False
    assert run_json(capsys, "history", "--profile", "guest", "--db", str(db)) == []


def test_play_waits_for_the_player_and_records_watched_time(db: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("PYREC_PLAYER", f"{sys.executable} -c 'import time; time.sleep(0.4)'")
    result = run_json(capsys, "play", "1", "--db", str(db))
    assert result["recorded"] is True
    event = run_json(capsys, "history", "--db", str(db))[0]
    assert event["kind"] == "play" and 0.3 < event["watched_seconds"] <= 2.5  # capped at the clip's length


def test_failing_player_records_nothing(db: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("PYREC_PLAYER", "false")
    assert main(["play", "1", "--db", str(db)]) == 1
    assert "exited with status 1" in capsys.readouterr().err
    assert run_json(capsys, "history", "--db", str(db)) == []


def test_export_is_private_json_and_backup_is_a_library(db: Path, tmp_path: Path, capsys) -> None:
    run_json(capsys, "like", "1", "--db", str(db))
    out = tmp_path / "me.json"
    assert main(["export", "--db", str(db), "-o", str(out)]) == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    data = json.loads(out.read_text())
    assert data["profile"]["name"] == "default" and [e["kind"] for e in data["events"]] == ["like"]
    backup = tmp_path / "copy.sqlite"
    assert run_json(capsys, "backup", str(backup), "--db", str(db)) == {"backup": str(backup)}
    assert len(run_json(capsys, "list", "--db", str(backup))) == 3


def test_doctor_reports_models_and_simd(db: Path, capsys) -> None:
    report = run_json(capsys, "doctor", "--db", str(db))
    assert {m["id"]: m["status"] for m in report["models"]} == {"efficientnet-lite0": "ok", "minilm-l6-v2": "ok",
                                                                 "silero-vad": "ok", "py3langid": "ok"}
    assert report["speech"].startswith(("on:", "speech is off:"))
    assert report["simd"]["active"] in report["simd"]["available"]
    assert report["library"]["videos_by_status"] == {"ok": 3}


def test_installed_entry_point_runs(tmp_path: Path) -> None:
    exe = shutil.which("pyrec")
    assert exe, "the pyrec console script should be installed"
    done = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.startswith("pyrec ")


def test_eval_needs_data_and_reports_thin_history(db: Path, capsys) -> None:
    assert main(["eval", "movielens", "--db", str(db)]) == 1
    assert "needs the data folder" in capsys.readouterr().err
    assert main(["eval", "library", "--db", str(db)]) == 0  # three videos, no history yet
    assert "not enough history" in capsys.readouterr().out
