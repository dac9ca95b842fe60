"""Builders for hostile and broken media, names and sidecars (test data only)."""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
from pathlib import Path

BOMB_NFO = """<?xml version="1.0"?>
<!DOCTYPE movie [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"> <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"> <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"> <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
 <!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;"> <!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">
]>
<movie><title>&i;</title></movie>
"""
XXE_NFO = """<?xml version="1.0"?>
<!DOCTYPE movie [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<movie><title>Leak</title><plot>&xxe;</plot></movie>
"""


def ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-v", "error", "-y", *args], check=True, timeout=60)


def huge_header_avi(dest: Path) -> Path:
    """A tiny MJPEG AVI whose headers (AVI and every JPEG frame) claim 16000x16000."""
    small = dest.with_suffix(".tmp.avi")
    ffmpeg("-f", "lavfi", "-i", "testsrc=size=64x64:rate=5", "-t", "1", "-c:v", "mjpeg", str(small))
    data = bytearray(small.read_bytes())
    small.unlink()
    for m in re.finditer(rb"\xff\xc0", bytes(data)):  # JPEG SOF0: marker, length, precision, height, width
        data[m.start() + 5 : m.start() + 9] = struct.pack(">HH", 16000, 16000)
    i = data.find(b"avih")
    data[i + 40 : i + 48] = struct.pack("<II", 16000, 16000)
    i = data.find(b"strf")
    data[i + 12 : i + 20] = struct.pack("<ii", 16000, 16000)
    dest.write_bytes(bytes(data))
    return dest


def cut(source: Path, share: float, dest: Path) -> Path:
    """The first ``share`` of a file's bytes, as an interrupted copy or download leaves it."""
    data = source.read_bytes()
    dest.write_bytes(data[: int(len(data) * share)])
    return dest


def add_damaged(media: Path, good: Path, ok: dict[str, str], damaged: dict[str, float]) -> None:
    """Truncated copies that still open: Matroska (no index to lose) and MP4
    with its index in front; each plays only part of what its header claims.
    ``damaged`` maps each name to the share of its length that plays."""
    long_mkv = media / "long.tmp.mkv"
    ffmpeg("-f", "lavfi", "-i", "testsrc=size=160x90:rate=10", "-t", "12", "-g", "10", "-c:v", "libx264", str(long_mkv))
    fast_mp4 = media / "long.tmp.mp4"
    ffmpeg("-i", str(long_mkv), "-c", "copy", "-movflags", "+faststart", str(fast_mp4))
    for source, share, name in ((long_mkv, 0.1, "cut10.mkv"), (long_mkv, 0.5, "cut50.mkv"),
                                (fast_mp4, 0.5, "cut50_faststart.mp4")):
        cut(source, share, media / name)
        ok[name] = ""
        damaged[name] = share
    shutil.copy(long_mkv, media / "whole.mkv")
    ok["whole.mkv"] = ""
    long_mkv.unlink()
    fast_mp4.unlink()


def add_more_bad_media(media: Path, good: Path, fail: dict[str, str]) -> None:
    """Headers that promise a video and deliver nothing usable."""
    (media / "random.mp4").write_bytes(os.urandom(20_000))
    fail["random.mp4"] = ""
    (media / "ftyp_only.mp4").write_bytes(b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2")
    fail["ftyp_only.mp4"] = ""
    (media / "ebml_only.mkv").write_bytes(b"\x1a\x45\xdf\xa3" + b"\x00" * 60)
    fail["ebml_only.mkv"] = ""
    (media / "riff_only.avi").write_bytes(b"RIFF\x00\x10\x00\x00AVI LIST" + b"\x00" * 100)
    fail["riff_only.avi"] = ""
    cut(good, 0.5, media / "moov_at_end_cut.mp4")  # OpenCV writes the index last: it is gone
    fail["moov_at_end_cut.mp4"] = ""
    (media / "html.webm").write_text("<!doctype html><title>404 Not Found</title>" * 50)
    fail["html.webm"] = ""
    (media / "nul_bytes.mov").write_bytes(b"\x00" * 65536)
    fail["nul_bytes.mov"] = ""
    ffmpeg("-f", "lavfi", "-i", "sine=d=1", "-c:a", "libopus", str(media / "audio_only.mkv"))
    fail["audio_only.mkv"] = "no video stream (audio only)"
    ffmpeg("-f", "lavfi", "-i", "sine=d=1", str(media / "song.wav"))  # not a video extension: never opened
    with open(media / "sparse_claims_4GB.mp4", "wb") as fh:  # a hole, not 4 GB of disk
        fh.truncate(4 << 30)
    fail["sparse_claims_4GB.mp4"] = ""


def add_odd_files(root: Path, good: Path, ok: dict[str, str], fail: dict[str, str]) -> None:
    """Odd names, special files, deep folders and links out of the library."""
    odd = root / "odd"
    odd.mkdir()
    long_name = "L" * 240 + ".mp4"
    for name in (long_name, "   .mp4", "UPPER CASE.MP4", "dots.in.the.name...mp4", "semi;colon&amp'quote\".mp4"):
        shutil.copy(good, odd / name)
        ok[name] = ""
    deep = odd.joinpath(*[f"d{i}" for i in range(40)])
    deep.mkdir(parents=True)
    shutil.copy(good, deep / "deep.mp4")
    ok["deep.mp4"] = ""
    (odd / "folder.mp4").mkdir()  # a folder named like a video: walked into, not opened
    os.mkfifo(odd / "fifo.mp4")  # never opened: it would block
    outside = root.parent / f"{root.name}_outside"
    outside.mkdir()
    shutil.copy(good, outside / "elsewhere.mp4")
    os.symlink(outside / "elsewhere.mp4", odd / "link_out.mp4")  # a video, but outside the library
    os.symlink("/etc/passwd", odd / "passwd.mp4")
    os.symlink(outside, odd / "link_out_dir")
    shutil.copy(good, odd / "inside_target.mp4")
    ok["inside_target.mp4"] = ""
    os.symlink("inside_target.mp4", odd / "link_in.mp4")  # inside: followed
    ok["link_in.mp4"] = ""
    fail["fifo.mp4"] = "not a regular file (named pipe)"


def build_tree(root: Path, good: Path) -> dict[str, dict[str, str]]:
    """Lay out the hostile tree next to a known-good clip. Returns what is
    expected per file name: {"ok": {...name: ""}, "fail": {name: reason},
    "damaged": {name: share that plays}, "links_out": {name: ""}}."""
    ok: dict[str, str] = {}
    fail: dict[str, str] = {}
    media = root / "media"
    media.mkdir(parents=True)

    (media / "zero.mp4").write_bytes(b"")
    fail["zero.mp4"] = "empty file (0 bytes)"
    (media / "truncated.mp4").write_bytes(good.read_bytes()[:1500])
    fail["truncated.mp4"] = ""  # OpenCV's wording varies; any one-line reason
    (media / "notes.mkv").write_text("just some text, not a video\n" * 20)
    fail["notes.mkv"] = "not a video OpenCV can open"
    (media / "picture.mp4").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(3000))
    fail["picture.mp4"] = ""
    huge_header_avi(media / "huge.avi")
    fail["huge.avi"] = "frame size 16000x16000 is too large to decode safely"
    ffmpeg("-f", "lavfi", "-i", "sine=d=1", "-c:a", "aac", str(media / "audio_only.mp4"))
    fail["audio_only.mp4"] = ""

    shutil.copy(good, media / "real_mp4_named.avi")  # wrong extension, right content
    ok["real_mp4_named.avi"] = ""
    ffmpeg("-f", "lavfi", "-i", "testsrc=size=96x72:rate=10", "-frames:v", "1", "-c:v", "mpeg4",
           str(media / "one_frame.mp4"))
    ok["one_frame.mp4"] = ""
    ffmpeg("-f", "lavfi", "-i", "testsrc=size=96x72:rate=10", "-t", "2", "-vf",
           "setpts='N/10/TB+if(gte(N,8),0.7/TB,0)'", "-fps_mode", "vfr", "-c:v", "mpeg4", str(media / "vfr.mp4"))
    ok["vfr.mp4"] = ""
    ffmpeg("-i", str(good), "-c", "copy", "-metadata:s:v:0", "rotate=90", str(media / "rotated.mp4"))
    ok["rotated.mp4"] = ""
    (media / "no_extension_clip").write_bytes(good.read_bytes())  # found by sniffing
    ok["no_extension_clip"] = ""

    names = root / "names"
    names.mkdir()
    for name in ("Ünïcödé 日本語 🎬.mp4", "new\nline.mp4", "tab\there.mp4", "- dash start.mp4"):
        shutil.copy(good, names / name)
        ok[name] = ""
    bad = os.fsencode(names) + b"/invalid-\xff\xfe-utf8.mp4"
    with open(bad, "wb") as fh:
        fh.write(good.read_bytes())
    ok[os.fsdecode(b"invalid-\xff\xfe-utf8.mp4")] = ""
    os.symlink("..", names / "loop")  # symlink loop back to the root
    os.symlink(names / "missing-target.mp4", names / "dangling.mp4")
    fail["dangling.mp4"] = "broken link (its target"

    side = root / "sidecars"
    for stem, sidecar, content in (
        ("bomb", "bomb.nfo", BOMB_NFO.encode()),
        ("xxe", "xxe.nfo", XXE_NFO.encode()),
        ("hugesrt", "hugesrt.srt", b"1\n00:00:01,000 --> 00:00:02,000\n" + b"la " * (3 * 1024 * 1024)),
        ("binsrt", "binsrt.srt", b"\x00\x01\x02" + os.urandom(4096)),
        ("latin1", "latin1.srt", "1\n00:00:01,000 --> 00:00:02,000\nCafé crème à la française\n".encode("latin-1")),
        ("utf16", "utf16.srt", "1\n00:00:01,000 --> 00:00:02,000\nÜber Straßen\n".encode("utf-16")),
    ):
        (side / stem).mkdir(parents=True)
        shutil.copy(good, side / stem / f"{stem}.mp4")
        (side / stem / sidecar).write_bytes(content)
        ok[f"{stem}.mp4"] = ""
    damaged: dict[str, float] = {}
    add_damaged(media, good, ok, damaged)
    add_more_bad_media(media, good, fail)
    add_odd_files(root, good, ok, fail)
    links_out = {"link_out.mp4": "", "passwd.mp4": "", "link_out_dir": ""}
    return {"ok": ok, "fail": fail, "damaged": {k: str(v) for k, v in damaged.items()}, "links_out": links_out}
