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


def build_tree(root: Path, good: Path) -> dict[str, dict[str, str]]:
    """Lay out the hostile tree next to a known-good clip. Returns what is
    expected per file name: {"ok": {...name: ""}, "fail": {name: reason}}."""
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
    os.symlink(names / "missing-target.mp4", names / "dangling.mp4")  # walk skips it: not a file

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
    return {"ok": ok, "fail": fail}
