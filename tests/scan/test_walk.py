from __future__ import annotations

import os
from pathlib import Path

import pytest

from pyrec.scan.quickhash import quick_hash
from pyrec.scan.walk import Walker, root_of, sniff_video, walk

MP4_HEAD = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64
MKV_HEAD = b"\x1a\x45\xdf\xa3" + b"\x00" * 64


def _touch(path: Path, data: bytes = MP4_HEAD) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _names(report) -> list[str]:
    return sorted(Path(f.path).name for f in report.files)


def test_finds_videos_by_extension_and_by_magic(tmp_path: Path) -> None:
    _touch(tmp_path / "a.mp4")
    _touch(tmp_path / "sub" / "b.MKV", MKV_HEAD)
    _touch(tmp_path / "no_extension", MKV_HEAD)  # found by sniffing
    _touch(tmp_path / "notes.txt", MP4_HEAD)  # never sniffed
    _touch(tmp_path / "random.bin", b"hello world, not a video at all" * 4)
    _touch(tmp_path / "movie.nfo", b"<movie/>")
    report = walk([tmp_path])
    assert _names(report) == ["a.mp4", "b.MKV", "no_extension"]
    assert report.errors == []
    sizes = {Path(f.path).name: f.size for f in report.files}
    assert sizes["a.mp4"] == len(MP4_HEAD)


def test_skips_hidden_and_system_folders(tmp_path: Path) -> None:
    _touch(tmp_path / "ok" / "a.mp4")
    _touch(tmp_path / ".hidden" / "b.mp4")
    _touch(tmp_path / "$RECYCLE.BIN" / "c.mp4")
    _touch(tmp_path / "@eaDir" / "d.mp4")
    _touch(tmp_path / ".dotfile.mp4")
    assert _names(walk([tmp_path])) == ["a.mp4"]


def test_pyrecignore_and_exclude_globs(tmp_path: Path) -> None:
    _touch(tmp_path / "Movies" / "keep.mp4")
    _touch(tmp_path / "Movies" / "sample-keep.mp4")
    _touch(tmp_path / "Movies" / "Trailers" / "t.mp4")
    _touch(tmp_path / "Other" / "x.mkv", MKV_HEAD)
    (tmp_path / "Movies" / ".pyrecignore").write_text("Trailers/\n# comment\nsample-*\n")
    assert _names(walk([tmp_path])) == ["keep.mp4", "x.mkv"]
    assert _names(walk([tmp_path], exclude=["Other/"])) == ["keep.mp4"]
    assert _names(walk([tmp_path], exclude=["*.mkv", "keep.*"])) == []


def test_symlink_loop_is_cut(tmp_path: Path) -> None:
    _touch(tmp_path / "lib" / "a.mp4")
    os.symlink(tmp_path / "lib", tmp_path / "lib" / "loop")
    os.symlink(tmp_path, tmp_path / "lib" / "up")
    report = walk([tmp_path])
    assert _names(report) == ["a.mp4"]


def test_overlapping_roots_list_a_file_once(tmp_path: Path) -> None:
    _touch(tmp_path / "lib" / "a.mp4")
    report = walk([tmp_path, tmp_path / "lib"])
    assert _names(report) == ["a.mp4"]


def test_unreadable_folder_is_reported_and_walk_goes_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = tmp_path / "locked"
    _touch(locked / "a.mp4")
    _touch(tmp_path / "open" / "b.mp4")
    real_scandir = os.scandir

    def scandir(path):  # root ignores chmod 0, so simulate the OS refusing
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    report = walk([tmp_path])
    assert _names(report) == ["b.mp4"]
    assert report.errors == [f"{locked}: cannot list folder (Permission denied)"]


def test_missing_root_is_unreachable(tmp_path: Path) -> None:
    report = Walker().walk([tmp_path / "nope"])
    assert report.unreachable_roots == [str(tmp_path / "nope")]
    assert report.errors and "nope" in report.errors[0]


def test_unicode_and_newline_names(tmp_path: Path) -> None:
    _touch(tmp_path / "Amélie – 北京\nline.mp4")
    bad = os.fsencode(str(tmp_path)) + b"/bad\xff\xfename.mp4"
    with open(bad, "wb") as fh:
        fh.write(MP4_HEAD)
    names = _names(walk([tmp_path]))
    assert "Amélie – 北京\nline.mp4" in names
    assert len(names) == 2


def test_sniff_video_recognises_containers(tmp_path: Path) -> None:
    ts = bytearray(189 * 2 + 200)
    for i in range(0, len(ts), 188):
        ts[i] = 0x47
    cases = {
        "mp4": MP4_HEAD,
        "mkv": MKV_HEAD,
        "avi": b"RIFF\x00\x00\x00\x00AVI LIST" + b"\x00" * 32,
        "ts": bytes(ts),
        "flv": b"FLV\x01\x05" + b"\x00" * 32,
    }
    for name, data in cases.items():
        assert sniff_video(_touch(tmp_path / name, data)), name
    assert not sniff_video(_touch(tmp_path / "gif", b"GIF89a" + b"\x47" * 500))
    assert not sniff_video(_touch(tmp_path / "short", b"\x1a\x45"))
    assert not sniff_video(tmp_path / "does-not-exist")


def test_root_of_picks_longest_root(tmp_path: Path) -> None:
    roots = [str(tmp_path), str(tmp_path / "a")]
    assert root_of(str(tmp_path / "a" / "x.mp4"), roots) == str(tmp_path / "a")
    assert root_of(str(tmp_path / "ab" / "x.mp4"), roots) == str(tmp_path)
    assert root_of("/elsewhere/x.mp4", roots) is None


def test_quick_hash_detects_content_not_name(tmp_path: Path) -> None:
    big = os.urandom(1_000_000)
    a = _touch(tmp_path / "a.mp4", big)
    b = _touch(tmp_path / "renamed.mp4", big)
    assert quick_hash(a) == quick_hash(b)
    changed_middle = bytearray(big)
    changed_middle[500_000] ^= 0xFF  # inside the sampled middle block
    c = _touch(tmp_path / "c.mp4", bytes(changed_middle))
    assert quick_hash(c) != quick_hash(a)
    d = _touch(tmp_path / "d.mp4", big + b"x")  # size is part of the hash
    assert quick_hash(d) != quick_hash(a)
    small = _touch(tmp_path / "small.mp4", b"abc")
    assert quick_hash(small) != quick_hash(_touch(tmp_path / "small2.mp4", b"abd"))


def test_links_out_of_the_library_are_not_followed(tmp_path: Path) -> None:
    lib, outside, other_lib = tmp_path / "lib", tmp_path / "outside", tmp_path / "films"
    _touch(lib / "own.mp4")
    _touch(outside / "secret.mp4")
    _touch(other_lib / "film.mp4")
    os.symlink(outside / "secret.mp4", lib / "secret.mp4")
    os.symlink(outside, lib / "outside_dir")
    os.symlink("/etc/passwd", lib / "passwd.mp4")
    os.symlink(lib / "own.mp4", lib / "alias.mp4")  # inside: followed
    os.symlink(other_lib / "film.mp4", lib / "film.mp4")  # into another library folder: inside too

    report = Walker(inside=[other_lib]).walk([lib])
    assert _names(report) == ["alias.mp4", "film.mp4", "own.mp4"]
    assert sorted(line.split(": ", 1)[0] for line in report.skipped_links) == sorted(
        str(lib / name) for name in ("outside_dir", "passwd.mp4", "secret.mp4"))
    assert all(": not followed: it links to " in line and "--follow-outside" in line for line in report.skipped_links)
    assert report.errors == []

    followed = Walker(inside=[other_lib], follow_outside=True).walk([lib])
    assert "secret.mp4" in _names(followed) and followed.skipped_links == []
    assert str(lib / "outside_dir" / "secret.mp4") in {f.path for f in followed.files}


def test_special_files_named_like_videos_get_one_line(tmp_path: Path) -> None:
    _touch(tmp_path / "good.mp4")
    os.mkfifo(tmp_path / "pipe.mkv")
    os.symlink(tmp_path / "nowhere.mp4", tmp_path / "broken.mp4")
    os.mkfifo(tmp_path / "pipe.txt")  # not named like a video: not our business
    report = Walker().walk([tmp_path])
    assert _names(report) == ["good.mp4"]
    assert sorted(report.errors) == [
        f"{tmp_path / 'broken.mp4'}: broken link (its target {tmp_path / 'nowhere.mp4'} does not exist)",
        f"{tmp_path / 'pipe.mkv'}: not a regular file (named pipe)",
    ]
