"""Subtitle sidecars (.srt, .vtt): find them, read them safely, reduce them to a
short plain-text digest for search and text embeddings.

Also home to the safe text-file reading the .nfo parser shares: a size cap,
no hanging on FIFOs, BOM/UTF-8/UTF-16/cp1252 decoding and binary detection.
"""

from __future__ import annotations

import codecs
import html
import os
import re
import stat
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

from pyrec.errors import SidecarError
from pyrec.features.language import first_preferred, judge, language_name, normalise
from pyrec.records import Moment, SubtitleFile, TrackLanguage
from pyrec.scan.walk import VIDEO_EXTENSIONS

SUBTITLE_EXTENSIONS = (".srt", ".vtt")
MAX_SUBTITLE_BYTES = 8 * 1024 * 1024  # a feature film's .srt is ~100 KiB
SUBTITLE_FOLDERS = ("subs", "subtitles", "sub")
_DIGEST_WINDOWS = 4

# Language tags seen in subtitle names ("Movie.en.srt", "Subs/2_English.srt").
_LANGUAGES = {
    "en": "en", "eng": "en", "english": "en", "fr": "fr", "fre": "fr", "fra": "fr", "french": "fr",
    "de": "de", "ger": "de", "deu": "de", "german": "de", "es": "es", "spa": "es", "spanish": "es",
    "it": "it", "ita": "it", "italian": "it", "pt": "pt", "por": "pt", "portuguese": "pt",
    "nl": "nl", "dut": "nl", "nld": "nl", "dutch": "nl", "sv": "sv", "swe": "sv", "swedish": "sv",
    "da": "da", "dan": "da", "danish": "da", "no": "no", "nor": "no", "norwegian": "no",
    "fi": "fi", "fin": "fi", "finnish": "fi", "pl": "pl", "pol": "pl", "polish": "pl",
    "ru": "ru", "rus": "ru", "russian": "ru", "ja": "ja", "jpn": "ja", "japanese": "ja",
    "zh": "zh", "chi": "zh", "zho": "zh", "chinese": "zh", "ko": "ko", "kor": "ko", "korean": "ko",
    "ar": "ar", "ara": "ar", "arabic": "ar", "tr": "tr", "tur": "tr", "turkish": "tr",
    "el": "el", "gre": "el", "ell": "el", "greek": "el", "he": "he", "heb": "he", "hebrew": "he",
    "hi": "hi", "hin": "hi", "hindi": "hi", "cs": "cs", "cze": "cs", "ces": "cs", "czech": "cs",
    "hu": "hu", "hun": "hu", "hungarian": "hu", "ro": "ro", "rum": "ro", "ron": "ro", "romanian": "ro",
}
_FLAGS = {"forced", "sdh", "cc", "hi", "default", "full", "foreign"}

_TIMING = re.compile(r"-->")
# 00:01:02,500 (SubRip) or 01:02.500 / 00:01:02.500 (WebVTT).
_TIMESTAMP = re.compile(r"(?:(\d+):)?(\d{1,2}):(\d{2})[,.](\d{1,3})")
_BLOCK_SPLIT = re.compile(r"\n[ \t]*\n")
_HTML_TAG = re.compile(r"<[^>\n]*>")
_ASS_TAG = re.compile(r"\{[^}\n]*\}")
_NOISE_LINE = re.compile(r"^[\W_♪♫]*$")
_VTT_META = ("WEBVTT", "NOTE", "STYLE", "REGION")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


class SidecarCue(NamedTuple):
    text: str
    start: float | None  # seconds; None for a block without a timing line
    end: float | None


# ---- safe reading (shared with nfo.py) ------------------------------------

def read_sidecar_bytes(path: str | os.PathLike[str], max_bytes: int) -> bytes:
    """The bytes of a small sidecar, or SidecarError: not a regular file, too
    big, unreadable. O_NONBLOCK so a FIFO named like a sidecar cannot hang a scan."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise SidecarError(f"cannot read: {exc.strerror or exc}", path) from exc
    with os.fdopen(fd, "rb") as file:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise SidecarError("not a regular file", path)
        if info.st_size > max_bytes:
            raise SidecarError(f"too large ({info.st_size} bytes; the limit is {max_bytes})", path)
        try:
            data = file.read(max_bytes + 1)
        except OSError as exc:
            raise SidecarError(f"cannot read: {exc.strerror or exc}", path) from exc
    if len(data) > max_bytes:  # it grew while we looked
        raise SidecarError(f"too large (over the {max_bytes}-byte limit)", path)
    return data


def decode_text(data: bytes, path: str | os.PathLike[str], declared: str | None = None) -> str:
    """Text from bytes of unknown encoding: BOM, else UTF-16 by its NUL
    pattern, else UTF-8, else ``declared``, else cp1252, else latin-1.
    Binary data (NULs, control characters) → SidecarError."""
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            return _check_text(data[len(bom):].decode(encoding, "replace"), path)
    utf16 = _utf16_without_bom(data)
    if utf16:
        return _check_text(data.decode(utf16, "replace"), path)
    if b"\x00" in data:
        raise SidecarError("binary data, not text (it contains NUL bytes)", path)
    # UTF-8 first even over a declaration: legacy bytes almost never decode as
    # valid UTF-8, while "encoding=ISO-8859-1" on a UTF-8 file is a common slip.
    candidates = [c for c in ("utf-8", _codec(declared), "cp1252") if c]
    for encoding in candidates:
        try:
            return _check_text(data.decode(encoding), path)
        except (UnicodeDecodeError, LookupError):
            continue
    return _check_text(data.decode("latin-1"), path)


def _utf16_without_bom(data: bytes) -> str | None:
    """Mostly-ASCII text in UTF-16 has a NUL in every other byte."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _check_text(text: str, path: str | os.PathLike[str]) -> str:
    controls = len(_CONTROL.findall(text))
    if "\x00" in text or controls > max(8, len(text) // 100):
        raise SidecarError("binary data, not text", path)
    return text


# ---- finding --------------------------------------------------------------

def find_subtitles(video_path: str | os.PathLike[str], preferred: Iterable[str] = ("en",)) -> list[str]:
    """Subtitle files for a video, best first: ``stem.srt``, ``stem.en.srt``,
    ``Subs/stem*.srt``, ``Subs/stem/*.srt`` and language-named files in Subs/
    ("English.srt", "2_English.srt"). Preferred languages rank first, then
    untagged files, then other languages; forced (foreign-parts-only) last."""
    video = Path(video_path)
    stem = video.stem.casefold()
    wanted = {_LANGUAGES.get(code.casefold(), code.casefold()) for code in preferred}
    found: dict[str, tuple[tuple[int, int, int, str], str]] = {}

    def consider(file: Path, tags: list[str], depth: int) -> None:
        languages = {_LANGUAGES[t] for t in tags if t in _LANGUAGES}
        rank = 0 if languages & wanted else (1 if not languages else 2)
        key = (int("forced" in tags or "foreign" in tags), rank, depth, file.name.casefold())
        found.setdefault(str(file), (key, str(file)))

    # "Movie.Sequel.en.srt" starts like "Movie" but belongs to "Movie.Sequel.mkv":
    # a subtitle goes to the video with the longest matching stem.
    neighbours = _files(video.parent)
    stems = {f.stem.casefold() for f in neighbours if not _is_subtitle(f.name)} | {stem}
    alone = not any(f.suffix.casefold() in VIDEO_EXTENSIONS and f.stem.casefold() != stem for f in neighbours)

    def owned(name: str) -> bool:
        base = name.casefold().rsplit(".", 1)[0]
        owners = [s for s in stems if base == s or base.startswith(s + ".")]
        return max(owners, key=len, default=None) == stem

    for file in neighbours:
        if _is_subtitle(file.name) and owned(file.name):
            consider(file, _tags_after(file.name, stem), 0)
    for folder in _child_folders(video.parent, SUBTITLE_FOLDERS):
        for file in _files(folder):
            if not _is_subtitle(file.name):
                continue
            if owned(file.name):
                consider(file, _tags_after(file.name, stem), 1)
                continue
            tags = _tokens(file.stem)
            if alone and tags and all(t in _LANGUAGES or t in _FLAGS or t.isdigit() for t in tags):
                consider(file, tags, 1)  # "Subs/2_English.srt" of a one-film release folder
        for inner in _child_folders(folder, (video.stem,)):
            for file in _files(inner):
                if _is_subtitle(file.name):
                    consider(file, _tokens(file.stem), 2)
    return [path for _, path in sorted(found.values())]


def _is_subtitle(name: str) -> bool:
    return name.casefold().endswith(SUBTITLE_EXTENSIONS)


def _files(folder: Path) -> list[Path]:
    try:
        with os.scandir(folder) as entries:
            return [Path(e.path) for e in entries if e.is_file()]
    except OSError:
        return []


def _child_folders(folder: Path, names: Iterable[str]) -> list[Path]:
    wanted = {n.casefold() for n in names}
    try:
        with os.scandir(folder) as entries:
            return [Path(e.path) for e in entries if e.name.casefold() in wanted and e.is_dir()]
    except OSError:
        return []


def _tags_after(name: str, stem: str) -> list[str]:
    """Tags between the video's stem and the extension: "Movie.en.forced.srt" → [en, forced]."""
    base = name.casefold().rsplit(".", 1)[0]
    return _tokens(base[len(stem) + 1:]) if base.startswith(stem + ".") else []


def _tokens(text: str) -> list[str]:
    return [t for t in re.split(r"[._\- ]+", text.casefold()) if t]


# ---- parsing --------------------------------------------------------------

def read_subtitle(path: str | os.PathLike[str], max_bytes: int = MAX_SUBTITLE_BYTES) -> list[str]:
    """The spoken text of an .srt/.vtt file, one string per cue."""
    return [cue.text for cue in read_cues(path, max_bytes)]


def read_cues(path: str | os.PathLike[str], max_bytes: int = MAX_SUBTITLE_BYTES) -> list[SidecarCue]:
    """An .srt/.vtt file's cues with their times. Raises SidecarError."""
    return parse_cues(decode_text(read_sidecar_bytes(path, max_bytes), path))


def read_sidecars(paths: Iterable[str | os.PathLike[str]],
                  warnings: list[str] | None = None) -> Iterator[tuple[str, list[SidecarCue]]]:
    """Each readable file with its cues, lazily (a digest stops reading once
    it has enough). A broken file raises SidecarError, unless ``warnings`` is
    given: then its one-line error goes there and the next file is read."""
    for path in paths:
        try:
            yield os.fspath(path), read_cues(path)
        except SidecarError as exc:
            if warnings is None:
                raise
            warnings.append(exc.one_line())


def parse_subtitle_text(text: str) -> list[str]:
    """Cue texts without numbers, timings, tags, styles or notes. Never raises."""
    return [cue.text for cue in parse_cues(text)]


def parse_cues(text: str) -> list[SidecarCue]:
    """Cues with their times (None where a block had no timing line), in file
    order, repeated rolling-caption lines dropped. Never raises."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    cues: list[SidecarCue] = []
    for block in _BLOCK_SPLIT.split(text):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        timing = next((i for i, line in enumerate(lines) if _TIMING.search(line)), None)
        times: tuple[float, float] | None = None
        if timing is not None:
            body = lines[timing + 1:]
            times = _cue_times(lines[timing])
        elif lines[0].split(" ", 1)[0].split("\t", 1)[0] in _VTT_META:
            continue  # the WEBVTT header, a NOTE, STYLE or REGION block
        elif all(line.isdigit() for line in lines):
            continue  # a stray cue number
        else:
            body = lines  # a cue whose text had a blank line in it
        cue = " ".join(filter(None, (_clean_line(line) for line in body)))
        if cue and (not cues or cues[-1].text != cue):  # rolling captions repeat lines
            cues.append(SidecarCue(cue, *(times or (None, None))))
    return cues


def _cue_times(line: str) -> tuple[float, float] | None:
    found = _TIMESTAMP.findall(line)
    if len(found) < 2:
        return None
    start, end = (_seconds(*parts) for parts in found[:2])
    return start, max(start, end)


def _seconds(hours: str, minutes: str, seconds: str, millis: str) -> float:
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(millis.ljust(3, "0")[:3]) / 1000


def sidecar_moments(path: str | os.PathLike[str], cues: list[SidecarCue], video_path: str | os.PathLike[str],
                    max_cues: int = 20_000, language: str | None = None) -> list[Moment]:
    """A sidecar's timed cues (read_cues) as subtitle moments (search says
    "said at …"), in ``language`` (the one trusted, see judged_sidecars), else
    the one its name gives."""
    if language is None:
        language = normalise(subtitle_language(path, video_path))
    return [Moment(c.start, c.end if c.end is not None else c.start, "subtitle", c.text, language)
            for c in cues[:max_cues] if c.start is not None]


def subtitle_language(path: str | os.PathLike[str], video_path: str | os.PathLike[str]) -> str:
    """The language a subtitle's name states ("Film.en.srt", "Subs/2_English.srt"), "" if none."""
    name, stem = Path(path).name, Path(video_path).stem.casefold()
    tags = _tags_after(name, stem) or _tokens(Path(path).stem)
    return next((_LANGUAGES[t] for t in tags if t in _LANGUAGES), "")


class JudgedSidecar(NamedTuple):
    path: str
    cues: list[SidecarCue]
    language: TrackLanguage  # named vs read (pyrec.features.language)


# Sidecars read to find the one in the user's language (a release's Subs/
# folder can hold thirty; the digest needs one or two).
MAX_JUDGED_SIDECARS = 12


def judged_sidecars(paths: Sequence[str | os.PathLike[str]], video_path: str | os.PathLike[str],
                    warnings: list[str], preferred: Sequence[str]) -> list[JudgedSidecar]:
    """The readable sidecars among the first MAX_JUDGED_SIDECARS, each with the
    language its lines are in (its name is a claim), those in the user's first
    language that has one first, the rest in their found order. A file named
    for one language that reads as another costs one warning line naming it."""
    judged: list[JudgedSidecar] = []
    for path, cues in read_sidecars(list(paths)[:MAX_JUDGED_SIDECARS], warnings):
        language = judge(subtitle_language(path, video_path), [c.text for c in cues])
        if language.mislabelled:
            said, read = language_name(language.tagged), language_name(language.language)
            warnings.append(f"{path}: named {said} but reads as {read}; stored as {read}")
        judged.append(JudgedSidecar(path, cues, language))
    first = first_preferred([j.language.language for j in judged], preferred)
    return judged[first:first + 1] + judged[:first] + judged[first + 1:]


def subtitle_file(sidecar: JudgedSidecar) -> SubtitleFile:
    """What ``show`` lists of a sidecar."""
    name = Path(sidecar.path).name
    label = "WebVTT file" if name.casefold().endswith(".vtt") else "SubRip file"
    return SubtitleFile(name, label, len(sidecar.cues), sidecar.language)


def _clean_line(line: str) -> str:
    line = _ASS_TAG.sub("", line.replace("\\N", " ").replace("\\n", " "))
    line = html.unescape(_HTML_TAG.sub("", line))
    line = " ".join(line.split()).lstrip("- ").strip()
    return "" if _NOISE_LINE.match(line) else line


def subtitle_digest(
    paths: Iterable[str | os.PathLike[str]], max_chars: int = 4000, warnings: list[str] | None = None
) -> str:
    """A plain-text digest of at most ``max_chars``, from the first file that
    has text (later files only fill what is left). Long films are sampled at
    evenly spaced points rather than cut after the opening scenes.

    A broken file raises SidecarError, unless ``warnings`` is given: then its
    one-line error is appended there and the other files are still used."""
    return digest_of(read_sidecars(paths, warnings), max_chars)


def digest_of(files: Iterable[tuple[str, list[SidecarCue]]], max_chars: int = 4000) -> str:
    """subtitle_digest over files already being read (read_sidecars)."""
    pieces: list[str] = []
    budget = max_chars
    for _, file_cues in files:
        if budget <= 0:
            break
        piece = _sample([cue.text for cue in file_cues], budget)
        if piece:
            pieces.append(piece)
            budget -= len(piece) + 1
    return " ".join(pieces)[: max(0, max_chars)]


def _sample(cues: list[str], budget: int) -> str:
    whole = " ".join(cues)
    if len(whole) <= budget:
        return whole
    windows: list[str] = []
    share = budget // _DIGEST_WINDOWS
    for w in range(_DIGEST_WINDOWS):
        start, taken, size = len(cues) * w // _DIGEST_WINDOWS, [], 0
        for cue in cues[start:]:
            if size + len(cue) + 1 > share:
                break
            taken.append(cue)
            size += len(cue) + 1
        if taken:
            windows.append(" ".join(taken))
    text = " … ".join(windows)
    if not text:  # a single cue longer than a window
        text = whole[:budget].rsplit(" ", 1)[0]
    return text[:budget]
