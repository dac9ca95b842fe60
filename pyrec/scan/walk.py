"""Find the video files under a set of folders, without decoding anything.

A file counts as video by its extension or, failing that, by its first bytes
(container magic), so a clip saved without an extension is still found. Hidden
and system folders are skipped, `.pyrecignore` files (gitignore syntax) and
``--exclude`` globs are honoured, and symlink loops are cut by remembering the
(device, inode) of every folder entered.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import pathspec

from pyrec.records import FileStat
from pyrec.scan.quickhash import open_regular

VIDEO_EXTENSIONS = frozenset(
    {
        ".3gp", ".asf", ".avi", ".divx", ".f4v", ".flv", ".m2ts", ".m4v", ".mkv", ".mov",
        ".mp4", ".mpeg", ".mpg", ".mts", ".mxf", ".ogv", ".rm", ".rmvb", ".ts", ".vob",
        ".webm", ".wmv",
    }
)
# Extensions that are certainly not video: never sniffed, so a folder of photos
# and sidecars costs no extra reads.
NEVER_VIDEO = frozenset(
    {
        ".nfo", ".srt", ".vtt", ".ass", ".ssa", ".sub", ".idx", ".txt", ".jpg", ".jpeg",
        ".png", ".gif", ".bmp", ".webp", ".tbn", ".xml", ".json", ".md", ".pdf", ".mp3",
        ".flac", ".wav", ".ogg", ".m4a", ".aac", ".opus", ".db", ".sqlite", ".ini",
        ".part", ".py", ".zip", ".rar", ".7z", ".iso", ".exe", ".dll",
    }
)
SYSTEM_DIRS = frozenset(
    {
        "$RECYCLE.BIN", "System Volume Information", "lost+found", "@eaDir", "#recycle",
        "#snapshot", "Thumbs", ".Trash", "__MACOSX",
    }
)
IGNORE_FILE = ".pyrecignore"


_TS_PACKET = 188  # MPEG transport stream packet size: sync byte 0x47 every 188 bytes


def sniff_video(path: str | os.PathLike[str]) -> bool:
    """True if the file starts like a video container (MP4/MOV, Matroska/WebM,
    AVI, MPEG-PS/TS, ASF/WMV, FLV, Ogg). Reads at most 2 TS packets."""
    try:
        with open_regular(path) as fh:  # a FIFO would block a plain open() forever
            head = fh.read(2 * _TS_PACKET + 1)
    except OSError:
        return False
    if len(head) < 12:
        return False
    if head[4:8] in (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip"):
        return True
    if head[:4] in (b"\x1a\x45\xdf\xa3", b"\x00\x00\x01\xba", b"\x30\x26\xb2\x75", b"OggS"):
        return True  # EBML (Matroska/WebM), MPEG-PS pack header, ASF GUID, Ogg
    if head[:4] == b"RIFF" and head[8:12] in (b"AVI ", b"AVIX"):
        return True
    if head[:3] == b"FLV":
        return True
    # MPEG-TS: a sync byte every packet. "GIF8" also starts with 0x47 ('G').
    is_ts = len(head) > 2 * _TS_PACKET and head[0] == head[_TS_PACKET] == head[2 * _TS_PACKET] == 0x47
    return is_ts and not head.startswith(b"GIF8")


@dataclass
class WalkReport:
    """What a walk found, plus the folders and files it could not read."""

    files: list[FileStat] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # one line each: "path: reason"
    unreachable_roots: list[str] = field(default_factory=list)
    skipped_links: list[str] = field(default_factory=list)  # one line each: links out of the library


def _not_a_file(entry: os.DirEntry[str]) -> str:
    if entry.is_symlink() and not os.path.exists(entry.path):
        return f"{entry.path}: broken link (its target {os.readlink(entry.path)} does not exist)"
    try:
        mode = os.stat(entry.path).st_mode
    except OSError as exc:
        return f"{entry.path}: {exc.strerror or exc}"
    kind = ("named pipe" if stat.S_ISFIFO(mode) else "socket" if stat.S_ISSOCK(mode)
            else "device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "special file")
    return f"{entry.path}: not a regular file ({kind})"


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _is_hidden(name: str) -> bool:
    return name.startswith(".") or name in SYSTEM_DIRS


def _load_ignore(folder: str) -> pathspec.PathSpec | None:
    ignore_path = os.path.join(folder, IGNORE_FILE)
    try:
        with open(ignore_path, encoding="utf-8", errors="replace") as fh:
            return pathspec.GitIgnoreSpec.from_lines(fh.read().splitlines())
    except FileNotFoundError:
        return None
    except OSError:
        return None


class Walker:
    """Walks folders for video files. One instance per scan; not thread-safe."""

    def __init__(self, exclude: Iterable[str] = (), sniff_unknown: bool = True, *, follow_outside: bool = False,
                 inside: Iterable[str | os.PathLike[str]] = ()) -> None:
        """``follow_outside``: follow symlinks whose target lies outside every
        scanned root and every folder in ``inside`` (the library's folders).
        Off by default: a link in a shared folder must not make pyrec open
        (and thumbnail, and index) files the user never pointed it at."""
        # --exclude globs match the path relative to the scanned root, with
        # gitignore semantics ("*.tmp", "Trailers/", "**/sample*").
        self._exclude = pathspec.GitIgnoreSpec.from_lines(list(exclude))
        self._sniff_unknown = sniff_unknown
        self._follow_outside = follow_outside
        self._inside = [os.path.realpath(os.fspath(p)) for p in inside]
        self._allowed: list[str] = []

    def walk(self, roots: Iterable[str | os.PathLike[str]], on_error: Callable[[str], None] | None = None) -> WalkReport:
        report = WalkReport()
        seen_dirs: set[tuple[int, int]] = set()
        seen_files: set[str] = set()
        roots = list(roots)
        self._allowed = [*self._inside, *(os.path.realpath(os.fspath(r)) for r in roots)]
        for root in roots:
            root_path = os.path.abspath(os.fspath(root))
            if not os.path.isdir(root_path):
                report.unreachable_roots.append(root_path)
                report.errors.append(f"{root_path}: folder not found or not readable")
                continue
            for item in self._walk_root(root_path, seen_dirs, report):
                if item.path not in seen_files:  # overlapping roots list a file once
                    seen_files.add(item.path)
                    report.files.append(item)
        if on_error:
            for line in report.errors:
                on_error(line)
        return report

    def _walk_root(self, root: str, seen_dirs: set[tuple[int, int]], report: WalkReport) -> Iterator[FileStat]:
        # Explicit stack instead of recursion: deep trees must not hit the
        # recursion limit. Each entry carries the ignore specs in force there.
        stack: list[tuple[str, list[tuple[str, pathspec.PathSpec]]]] = [(root, [])]
        while stack:
            folder, specs = stack.pop()
            try:
                st = os.stat(folder)
            except OSError as exc:
                report.errors.append(f"{folder}: {exc.strerror or exc}")
                continue
            key = (st.st_dev, st.st_ino)
            if key in seen_dirs:  # symlink loop or a folder reached twice
                continue
            seen_dirs.add(key)
            own = _load_ignore(folder)
            if own is not None:
                specs = [*specs, (folder, own)]
            try:
                entries = sorted(os.scandir(folder), key=lambda e: e.name)
            except OSError as exc:
                report.errors.append(f"{folder}: cannot list folder ({exc.strerror or exc})")
                continue
            subdirs: list[str] = []
            for entry in entries:
                if self._ignored(entry.path, root, specs, entry) or self._link_out(entry, report):
                    continue
                try:
                    if entry.is_dir():  # follows symlinks; loops are cut above
                        if not _is_hidden(entry.name):
                            subdirs.append(entry.path)
                        continue
                    if entry.name.startswith("."):
                        continue
                    if not entry.is_file():
                        # Named like a video but not a file we could read: say what it is.
                        if os.path.splitext(entry.name)[1].lower() in VIDEO_EXTENSIONS:
                            report.errors.append(_not_a_file(entry))
                        continue
                    if not self._looks_like_video(entry.path, entry.name):
                        continue
                    fst = entry.stat()
                except OSError as exc:  # vanished mid-scan, permission denied
                    report.errors.append(f"{entry.path}: {exc.strerror or exc}")
                    continue
                if stat.S_ISREG(fst.st_mode):
                    yield FileStat(path=entry.path, size=fst.st_size, mtime_ns=fst.st_mtime_ns)
            stack.extend((d, specs) for d in reversed(subdirs))

    def _link_out(self, entry: os.DirEntry[str], report: WalkReport) -> bool:
        """A symlink to somewhere outside the library: skipped (and reported once)."""
        if self._follow_outside or not entry.is_symlink():
            return False
        target = os.path.realpath(entry.path)
        if any(_within(target, folder) for folder in self._allowed):
            return False
        report.skipped_links.append(f"{entry.path}: not followed: it links to {target}, outside the library "
                                    "folders (scan with --follow-outside to include it)")
        return True

    def _ignored(self, path: str, root: str, specs: list[tuple[str, pathspec.PathSpec]], entry: os.DirEntry[str]) -> bool:
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        suffix = "/" if is_dir else ""
        rel_root = os.path.relpath(path, root) + suffix
        if self._exclude.match_file(rel_root):
            return True
        for base, spec in specs:
            if spec.match_file(os.path.relpath(path, base) + suffix):
                return True
        return False

    def _looks_like_video(self, path: str, name: str) -> bool:
        ext = os.path.splitext(name)[1].lower()
        if ext in VIDEO_EXTENSIONS:
            return True
        if ext in NEVER_VIDEO or not self._sniff_unknown:
            return False
        return sniff_video(path)


def walk(roots: Iterable[str | os.PathLike[str]], exclude: Iterable[str] = ()) -> WalkReport:
    """Convenience: one walk with default rules."""
    return Walker(exclude).walk(roots)


def root_of(path: str, roots: Iterable[str]) -> str | None:
    """The scanned root a path lies under (longest match), or None."""
    best: str | None = None
    for root in roots:
        r = os.path.abspath(root)
        if (path == r or path.startswith(r.rstrip(os.sep) + os.sep)) and (best is None or len(r) > len(best)):
            best = r
    return best

