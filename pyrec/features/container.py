"""What a media file carries besides pixels, read through PyAV (FFmpeg):
container tags, chapters, every stream with the names people know, the text
of embedded subtitle tracks, and how much of the file really plays.

One ``av.open`` per question, each reading only what it needs: tags, chapters
and streams come from the header (milliseconds); subtitle text by demuxing
that one track (no decoding of pictures); the playable end by a handful of
seeks near the end. Nothing here decodes a whole film.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pyrec.errors import MediaError
from pyrec.records import Chapter, ContainerInfo, Cue, StreamInfo

if TYPE_CHECKING:
    import av.container

PathLike = str | os.PathLike[str]

# Container tag names (any case, as muxers write them) -> pyrec's one name.
TAG_KEYS = {
    "title": "title", "genre": "genre", "artist": "artist", "album_artist": "artist",
    "director": "director", "composer": "composer", "date": "date", "year": "date",
    "creation_time": "created", "comment": "comment", "description": "description",
    "synopsis": "description", "summary": "description", "language": "language",
    "show": "show", "season_number": "season", "episode_id": "episode", "episode_sort": "episode",
    "network": "network", "copyright": "copyright",
}

CODEC_LABELS = {
    "h264": "H.264", "hevc": "HEVC", "mpeg4": "MPEG-4", "av1": "AV1", "vp9": "VP9", "vp8": "VP8",
    "mpeg2video": "MPEG-2", "mpeg1video": "MPEG-1", "mjpeg": "Motion JPEG", "prores": "ProRes",
    "theora": "Theora", "wmv3": "WMV", "vc1": "VC-1", "h263": "H.263", "msmpeg4v3": "DivX 3",
    "aac": "AAC", "mp3": "MP3", "mp2": "MP2", "opus": "Opus", "vorbis": "Vorbis", "ac3": "Dolby Digital",
    "eac3": "Dolby Digital Plus", "truehd": "Dolby TrueHD", "dts": "DTS", "flac": "FLAC", "alac": "ALAC",
    "wmav2": "WMA", "subrip": "SubRip", "srt": "SubRip", "ass": "ASS", "ssa": "SSA",
    "mov_text": "MP4 text", "webvtt": "WebVTT", "hdmv_pgs_subtitle": "PGS", "dvd_subtitle": "VobSub",
    "dvb_subtitle": "DVB", "text": "plain text",
}
# Subtitle codecs whose packets hold text (the rest are pictures: PGS, VobSub, DVB).
TEXT_SUBTITLE_CODECS = frozenset({"subrip", "srt", "ass", "ssa", "mov_text", "webvtt", "text"})

_FORMAT_LABELS = {"matroska,webm": "Matroska", "avi": "AVI", "mpegts": "MPEG-TS", "flv": "FLV", "ogg": "Ogg",
                  "asf": "ASF", "mpeg": "MPEG-PS", "wav": "WAV"}
_MP4_FAMILY = "mov,mp4,m4a,3gp,3g2,mj2"
_HDR_TRANSFERS = {16, 18}  # AVCOL_TRC_SMPTE2084 (PQ), AVCOL_TRC_ARIB_STD_B67 (HLG)
_BIT_DEPTH = re.compile(r"p(\d{2})(?:le|be)?$")

# A file plays "to the end" if its data reaches within this much of the
# claimed duration: containers round, and audio often outlasts video a little.
END_TOLERANCE_SECONDS = 1.0
END_TOLERANCE_SHARE = 0.01
_SEARCH_STEPS = 14  # binary search for the data's end: claimed / 16384 precision


def open_container(path: PathLike) -> av.container.InputContainer:
    """``av.open`` with FFmpeg's own failures turned into one clear MediaError
    (the caller closes it)."""
    import av

    _quiet_ffmpeg()
    try:
        return av.open(os.fspath(path), mode="r", metadata_errors="replace")
    except (av.FFmpegError, OSError, UnicodeError) as exc:  # UnicodeError: a name that is not UTF-8
        raise MediaError(f"FFmpeg cannot open it ({_reason(exc)})", os.fspath(path)) from None


@contextmanager
def opened(path: PathLike) -> Iterator[av.container.InputContainer]:
    """``av.open`` with FFmpeg's own failures turned into one clear MediaError."""
    container = open_container(path)
    try:
        yield container
    finally:
        container.close()


def _quiet_ffmpeg() -> None:
    """FFmpeg's own complaints about a broken file ("File ended prematurely")
    would go to stderr between pyrec's lines; the exceptions carry what matters."""
    import av.logging

    if av.logging.get_level() != av.logging.PANIC:
        av.logging.set_level(av.logging.PANIC)


def read_container(path: PathLike) -> ContainerInfo:
    """Format, tags, chapters and streams, from the header only."""
    with opened(path) as container:
        return container_info(container, path)


def container_info(container: av.container.InputContainer, path: PathLike) -> ContainerInfo:
    duration = container.duration / 1_000_000 if container.duration else 0.0
    return ContainerInfo(
        format=container.format.name,
        label=_format_label(container.format.name, path),
        duration=duration,
        bit_rate=int(container.bit_rate or 0),
        tags=normalise_tags(container.metadata),
        chapters=tuple(_chapters(container)),
        streams=tuple(_stream_info(s) for s in container.streams),
    )


def normalise_tags(raw: dict[str, str]) -> dict[str, str]:
    """Known tags under one name each; the first non-empty value wins."""
    tags: dict[str, str] = {}
    for key, value in raw.items():
        name = TAG_KEYS.get(key.lower())
        text = " ".join(str(value).split())
        if name and text and name not in tags:
            tags[name] = text
    return tags


def codec_label(codec: str) -> str:
    if codec.startswith("pcm_"):
        return "PCM"
    return CODEC_LABELS.get(codec, codec.upper() if codec else "unknown")


def _format_label(name: str, path: PathLike) -> str:
    suffix = Path(os.fspath(path)).suffix.lower()
    if name == _MP4_FAMILY:
        return "QuickTime" if suffix == ".mov" else "MP4"
    if name == "matroska,webm" and suffix == ".webm":
        return "WebM"
    return _FORMAT_LABELS.get(name, name)


def _chapters(container: av.container.InputContainer) -> Iterator[Chapter]:
    for raw in container.chapters():
        base = raw["time_base"] or 1
        title = normalise_tags({"title": raw.get("metadata", {}).get("title", "")}).get("title", "")
        yield Chapter(start=float(raw["start"] * base), end=float(raw["end"] * base), title=title)


def _stream_info(stream: Any) -> StreamInfo:
    ctx = stream.codec_context
    codec = ctx.name if ctx is not None else ""
    meta = {k.lower(): v for k, v in stream.metadata.items()}
    common = {"index": stream.index, "kind": stream.type, "codec": codec, "label": codec_label(codec),
              "language": (stream.language or meta.get("language") or "").strip(),
              "title": " ".join(meta.get("title", "").split())}
    if stream.type == "video":
        rate = stream.average_rate or stream.guessed_rate
        pix_fmt = getattr(ctx, "pix_fmt", None) or ""
        depth = _BIT_DEPTH.search(pix_fmt)
        return StreamInfo(**common, width=int(ctx.width or 0), height=int(ctx.height or 0),
                          fps=float(rate) if rate else 0.0, bit_depth=int(depth.group(1)) if depth else 8,
                          hdr=int(getattr(ctx, "color_trc", 0) or 0) in _HDR_TRANSFERS)
    if stream.type == "audio":
        return StreamInfo(**common, channels=int(getattr(ctx, "channels", 0) or 0),
                          sample_rate=int(ctx.sample_rate or 0))
    if stream.type == "subtitle":
        return StreamInfo(**common, text_based=codec in TEXT_SUBTITLE_CODECS)
    return StreamInfo(**common)


# -- embedded subtitle text -------------------------------------------------------
_ASS_OVERRIDE = re.compile(r"\{[^}]*\}")
_MARKUP = re.compile(r"<[^>]+>")


def subtitle_cues(path: PathLike, stream_index: int, *, max_cues: int = 20_000,
                  max_chars: int = 2_000_000) -> list[Cue]:
    """The timed lines of one text subtitle track, by demuxing that track only.
    Stops at ``max_cues`` or ``max_chars`` (a hostile 100 MB track costs a
    bounded amount); picture-based tracks raise MediaError."""
    with opened(path) as container:
        stream = container.streams[stream_index]
        codec = stream.codec_context.name if stream.codec_context else ""
        if stream.type != "subtitle" or codec not in TEXT_SUBTITLE_CODECS:
            raise MediaError(f"stream {stream_index} is not a text subtitle track ({codec or stream.type})",
                             os.fspath(path))
        return read_tracks(container, [stream_index], max_cues=max_cues, max_chars=max_chars)[stream_index].cues


@dataclass
class TrackText:
    """What one demux pass read of a text subtitle track."""

    cues: list[Cue] = field(default_factory=list)
    chars: int = 0
    size: int = 0  # bytes of its packets read
    cut: bool = False  # stopped at a budget: the track holds more
    binary: bool = False  # its packets are not text (mislabelled or hostile): cues dropped
    _seen: int = 0
    _bad: int = 0

    @property
    def done(self) -> bool:
        return self.cut or self.binary


# A cue's payload beyond this is not a subtitle line: read only its start.
MAX_CUE_BYTES = 4096
# Bytes of one track's packets a pass reads at the most.
MAX_TRACK_BYTES = 16 * 1024 * 1024
_BINARY_PROBE = 8  # packets judged before a track is called binary


def read_tracks(container: av.container.InputContainer, indices: list[int], *, max_cues: int = 20_000,
                max_chars: int = 2_000_000, max_bytes: int = MAX_TRACK_BYTES) -> dict[int, TrackText]:
    """The cues of several text subtitle tracks in one demux pass over an open
    container (no picture is decoded). Each track stops at ``max_cues``,
    ``max_chars`` or ``max_bytes`` of its packets; a track whose packets are
    mostly not text is marked binary. The pass ends when every track has."""
    import av

    tracks = {i: TrackText() for i in indices}
    if not indices:
        return tracks
    streams = [container.streams[i] for i in indices]
    codecs = {s.index: s.codec_context.name if s.codec_context else "" for s in streams}
    # Times as players show them: from the start of the file, not of the clock.
    offset = container.start_time / 1_000_000 if container.start_time else 0.0
    try:
        for packet in container.demux(*streams):
            track = tracks.get(packet.stream.index)
            if track is None or track.done or packet.pts is None or packet.size == 0:
                continue
            track.size += packet.size
            if track.size > max_bytes:
                track.cut = True
                continue
            _take(track, packet, codecs[packet.stream.index], offset, max_cues, max_chars)
            if all(t.done for t in tracks.values()):
                break
    except av.FFmpegError:
        pass  # a damaged file: keep the cues read so far
    return tracks


def _take(track: TrackText, packet: Any, codec: str, offset: float, max_cues: int, max_chars: int) -> None:
    payload = _text_bytes(memoryview(packet)[:MAX_CUE_BYTES].tobytes(), codec)
    track._seen += 1
    if _looks_binary(payload):
        track._bad += 1
        if track._seen >= _BINARY_PROBE and 2 * track._bad > track._seen:
            track.binary, track.cues = True, []
        return
    text = _cue_text(payload, codec)
    if not text:
        return
    start = max(0.0, float(packet.pts * packet.time_base) - offset)
    end = start + float((packet.duration or 0) * packet.time_base)
    track.cues.append(Cue(start=start, end=end, text=text))
    track.chars += len(text)
    if len(track.cues) >= max_cues or track.chars >= max_chars:
        track.cut = True


def _looks_binary(payload: bytes) -> bool:
    """NUL bytes or mostly undecodable: not a line of text."""
    if b"\x00" in payload:
        return True
    text = payload.decode("utf-8", errors="replace")
    bad = sum(1 for ch in text if ch == "\ufffd" or (ch < " " and ch not in "\r\n\t"))
    return bad * 10 > max(1, len(text))


def _text_bytes(payload: bytes, codec: str) -> bytes:
    """The part of a packet that holds the text."""
    if codec == "mov_text":  # 16-bit big-endian length, then UTF-8 text (then style boxes)
        size = int.from_bytes(payload[:2], "big") if len(payload) >= 2 else 0
        return payload[2:2 + size]
    return payload


def _cue_text(payload: bytes, codec: str) -> str:
    text = payload.decode("utf-8", errors="replace")
    if codec in ("ass", "ssa"):  # ReadOrder,Layer,Style,Name,MarginL,MarginR,MarginV,Effect,Text
        text = text.split(",", 8)[-1]
        text = _ASS_OVERRIDE.sub("", text).replace("\\N", " ").replace("\\n", " ")
    text = _MARKUP.sub("", text)
    return " ".join(text.split())


# -- how much of the file plays ---------------------------------------------------
def playable_end(path: PathLike, claimed: float | None = None) -> float:
    """Seconds of the main stream (video, else audio) whose data is in the
    file: the claimed duration for a whole file, less for a truncated one
    (the header still claims the full length). A few seeks, no full demux."""
    with opened(path) as container:
        end = playable_in(container, claimed)
        if end is None:
            raise MediaError("no video or audio stream, or no duration to compare with", os.fspath(path))
        return end


def playable_in(container: av.container.InputContainer, claimed: float | None = None) -> float | None:
    """As :func:`playable_end`, on a container already open; None without a
    video or audio stream, or when the container claims no duration (then
    there is nothing to compare with, and finding the end would mean reading
    the whole file)."""
    streams: list[Any] = [*container.streams.video] or [*container.streams.audio]
    if claimed is None:
        claimed = container.duration / 1_000_000 if container.duration else 0.0
    if not streams or claimed <= 0:
        return None
    # Timestamps may not start at zero (MPEG-TS, cut recordings): work in the
    # file's own time and answer in seconds from its start.
    offset = container.start_time / 1_000_000 if container.start_time else 0.0
    return max(0.0, _data_end(container, streams[0], claimed, offset) - offset)


def is_truncated(end: float, claimed: float) -> bool:
    return claimed > 0 and end < claimed - max(END_TOLERANCE_SECONDS, END_TOLERANCE_SHARE * claimed)


def _data_end(container: av.container.InputContainer, stream: Any, claimed: float, offset: float) -> float:
    near_end = offset + max(0.0, claimed - END_TOLERANCE_SECONDS)
    end = _end_of_data_after(container, stream, near_end)
    if end is not None:
        return end  # the demuxer found the data's end from there (whole, or a cut it scans back over)
    # Nothing at the claimed end: an index (MP4 moov) promises samples the
    # file no longer holds. Find the last time that still has data.
    lo, hi = offset, near_end
    if not _has_packet_at(container, stream, lo):
        return offset
    for _ in range(_SEARCH_STEPS):
        mid = (lo + hi) / 2
        if _has_packet_at(container, stream, mid):
            lo = mid
        else:
            hi = mid
    found = _end_of_data_after(container, stream, lo)
    return found if found is not None else lo


def _seek(container: av.container.InputContainer, stream: Any, seconds: float) -> bool:
    import av

    try:
        container.seek(int(seconds / stream.time_base), stream=stream, backward=True)
    except av.FFmpegError:
        return False
    return True


def _packets(container: av.container.InputContainer, stream: Any) -> Iterator[Any]:
    """Packets with data until the demuxer stops; a read error ends the data."""
    import av

    demuxer = container.demux(stream)
    while True:
        try:
            packet = next(demuxer)
        except (StopIteration, av.FFmpegError):
            return
        if packet.pts is not None and packet.size > 0 and not packet.is_corrupt:
            yield packet


def _has_packet_at(container: av.container.InputContainer, stream: Any, seconds: float) -> bool:
    return _seek(container, stream, seconds) and next(_packets(container, stream), None) is not None


def _end_of_data_after(container: av.container.InputContainer, stream: Any, seconds: float) -> float | None:
    if not _seek(container, stream, seconds):
        return None
    end = None
    for packet in _packets(container, stream):
        stop = float((packet.pts + (packet.duration or 0)) * packet.time_base)
        end = stop if end is None else max(end, stop)
    return end


def _reason(exc: Exception) -> str:
    text = getattr(exc, "strerror", None) or str(exc)
    return " ".join(str(text).split()).rstrip(":") or type(exc).__name__
