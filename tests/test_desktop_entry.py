"""``pyrec desktop-entry``: the applications-menu entry is written where the
desktop looks, starts this installation's pyrec-gui, and goes away cleanly."""

from __future__ import annotations

import configparser
import filecmp
import importlib.util
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from pyrec import cli, desktop_entry

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(importlib.util.find_spec("PySide6") is None,
                                reason="the desktop entry is for the GUI extra")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "xdg-data"
    data.mkdir()
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    return data


def _read(path: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read_string(path.read_text(encoding="utf-8"))
    return parser["Desktop Entry"]


def _tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_install_writes_a_valid_entry_that_starts_this_installation(home: Path) -> None:
    result = desktop_entry.install()
    desktop = home / "applications" / "pyrec.desktop"
    icon = home / "icons" / "hicolor" / "scalable" / "apps" / "pyrec.svg"
    assert sorted(result.written) == sorted([str(desktop), str(icon)])
    entry = _read(desktop)
    assert entry["Type"] == "Application" and entry["Name"] == "pyrec" and entry["Icon"] == "pyrec"
    program = desktop_entry.split_exec(entry["Exec"])[0]
    assert os.path.isabs(program) and os.path.isfile(program) and os.access(program, os.X_OK)
    assert entry["TryExec"] == program
    # the script pip wrote for this very installation, not a PATH or shim lookup
    assert program == str(desktop_entry.find_gui_script())
    assert filecmp.cmp(icon, desktop_entry.packaged_icon(), shallow=False)
    assert desktop_entry.validate(desktop.read_text(encoding="utf-8")) == []
    assert oct(desktop.stat().st_mode & 0o777) == oct(0o644)
    assert desktop_entry.status().up_to_date
    validator = shutil.which("desktop-file-validate")
    if validator is None:
        pytest.skip("desktop-file-validate is not installed here (the rest passed)")
    check = subprocess.run([validator, str(desktop)], capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "error" not in check.stdout.lower(), check.stdout


def test_install_is_idempotent_and_uninstall_removes_exactly_what_it_wrote(home: Path) -> None:
    (home / "icons").mkdir()  # already there before pyrec: must survive the uninstall
    (home / "icons" / "other.png").write_bytes(b"not ours")
    before = _tree(home)
    first = desktop_entry.install()
    text = Path(first.desktop_file).read_text(encoding="utf-8")
    second = desktop_entry.install()
    assert second.written == [] and Path(second.desktop_file).read_text(encoding="utf-8") == text
    removed = desktop_entry.uninstall().removed
    assert str(home / "icons") not in removed
    assert _tree(home) == before
    assert desktop_entry.uninstall().removed == []  # nothing left to do


def test_a_desktop_entry_pyrec_did_not_write_is_left_alone(home: Path) -> None:
    desktop = home / "applications" / "pyrec.desktop"
    desktop.parent.mkdir(parents=True)
    desktop.write_text("[Desktop Entry]\nType=Application\nName=mine\nExec=true\n", encoding="utf-8")
    with pytest.raises(desktop_entry.DesktopEntryError, match="did not write"):
        desktop_entry.install()
    with pytest.raises(desktop_entry.DesktopEntryError, match="not written by pyrec"):
        desktop_entry.uninstall()
    assert "Name=mine" in desktop.read_text(encoding="utf-8")
    desktop_entry.install(force=True)
    assert _read(desktop)["Name"] == "pyrec"


def test_an_icon_changed_since_install_is_kept(home: Path) -> None:
    result = desktop_entry.install()
    Path(result.icon_file).write_bytes(b"<svg/>")
    desktop_entry.uninstall()
    assert Path(result.icon_file).read_bytes() == b"<svg/>"
    assert not Path(result.desktop_file).exists()


def test_exec_quotes_paths_with_spaces_and_special_characters(tmp_path: Path) -> None:
    script = tmp_path / 'my venv $HOME 100% "x"' / "bin" / "pyrec-gui"
    script.parent.mkdir(parents=True)
    script.write_text("#!/bin/sh\n", encoding="utf-8")
    script.chmod(0o755)
    text = desktop_entry.render(tmp_path, script=script)
    entry = _read_text(text)
    assert entry["Exec"].startswith('"') and "%%" in entry["Exec"]
    assert desktop_entry.split_exec(entry["Exec"]) == [str(script)]
    assert desktop_entry.unescape_string(entry["TryExec"]) == str(script)
    assert desktop_entry.validate(text) == []


def _read_text(text: str) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(text)
    return parser["Desktop Entry"]


def test_validate_catches_broken_entries() -> None:
    assert any("Exec" in p for p in desktop_entry.validate("[Desktop Entry]\nType=Application\nName=x\n"))
    assert any("unknown key" in p for p in desktop_entry.validate(
        "[Desktop Entry]\nType=Application\nName=x\nExec=x\nColour=red\n"))
    assert any("true or false" in p for p in desktop_entry.validate(
        "[Desktop Entry]\nType=Application\nName=x\nExec=x\nTerminal=yes\n"))
    assert any("not an executable" in p for p in desktop_entry.validate(
        "[Desktop Entry]\nType=Application\nName=x\nExec=/no/such/program\n"))


def test_a_relative_xdg_data_home_is_ignored(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_DATA_HOME", "relative/share")
    assert desktop_entry.data_home() == tmp_path / ".local" / "share"
    monkeypatch.setenv("XDG_DATA_HOME", "")
    assert desktop_entry.data_home() == tmp_path / ".local" / "share"


def test_cli_install_show_uninstall(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["desktop-entry", "install", "--json"]) == 0
    installed = json.loads(capsys.readouterr().out)
    assert installed["installed"] and installed["up_to_date"] and installed["written"]
    assert cli.main(["desktop-entry", "show"]) == 0
    shown = capsys.readouterr().out
    assert "installed, up to date" in shown and "TryExec=" in shown
    assert cli.main(["desktop-entry", "uninstall"]) == 0
    assert "Removed" in capsys.readouterr().out
    assert _tree(home) == []


def test_the_shipped_template_and_icon_match_the_packaging_copies() -> None:
    assert filecmp.cmp(desktop_entry.template_path(), ROOT / "packaging" / "pyrec.desktop", shallow=False)
    assert filecmp.cmp(desktop_entry.packaged_icon(), ROOT / "packaging" / "pyrec.svg", shallow=False)
    assert desktop_entry.validate(desktop_entry.template_path().read_text(encoding="utf-8"), check_paths=False) == []
