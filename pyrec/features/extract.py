"""The one call a scan worker makes per video file.

``extract_video_features(path)`` opens the file once, probes it, picks
keyframes, writes thumbnails (optional), embeds the keyframes with every
image model and pools them per video, derives labels and colour/motion
stats. Pure: it reads the file and the models, writes only thumbnails, and
returns plain records (picklable, for the process pool to send back).

Models load lazily, once per process, with one ONNX thread each by default
(see :mod:`pyrec.models.sessions`), so many workers can run side by side.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from pyrec.clock import format_clock
from pyrec.errors import MediaError, ModelError
from pyrec.features.categories import category_labels, category_table
from pyrec.features.container import is_truncated, playable_in
from pyrec.features.cuts import CutFinder, fast_shots
from pyrec.features.framegrid import can_grid, grids_for
from pyrec.features.keyframes import FrameCapture, KeyframeSet, pick_from
from pyrec.features.media_text import read_media_text
from pyrec.features.mediafile import MediaFile, open_media
from pyrec.features.probe import probe_open
from pyrec.features.soundscape import SoundShares, measure_container
from pyrec.features.stats import video_stats
from pyrec.features.text import embed_text_info
from pyrec.features.thumbnails import write_thumbnail
from pyrec.features.video import PathLike, VideoReader
from pyrec.features.visual import VisualEncoder, labels_from_probs, video_embedding
from pyrec.models import VISUAL_MODEL, load_user_specs
from pyrec.records import Embedding, FrameGrids, Keyframe, Label, MediaProbe, MediaText

if TYPE_CHECKING:
    import av.container

__all__ = ["VideoFeatures", "default_encoders", "embed_text_info", "extract_media", "extract_video_features",
           "scan_media"]


class VideoFeatures(NamedTuple):
    probe: MediaProbe
    keyframes: list[Keyframe]
    embeddings: list[Embedding]
    labels: list[Label]
    stats: dict[str, float]
    warnings: list[str]


_encoders: tuple[int, tuple[VisualEncoder, ...], tuple[str, ...]] | None = None


def default_encoders() -> tuple[tuple[VisualEncoder, ...], tuple[str, ...]]:
    """The bundled image model plus the user's image models, once per process.

    A broken user config or model costs a warning on each video, not the
    scan: the bundled model still runs.
    """
    global _encoders
    if _encoders is not None and _encoders[0] == os.getpid():
        return _encoders[1], _encoders[2]
    encoders = [VisualEncoder(VISUAL_MODEL)]
    problems: list[str] = []
    try:
        for spec in load_user_specs().values():
            if spec.kind == "image":
                encoders.append(VisualEncoder(spec))
    except ModelError as exc:
        problems.append(f"user models ignored: {exc.one_line()}")
    _encoders = (os.getpid(), tuple(encoders), tuple(problems))
    return _encoders[1], _encoders[2]


def extract_video_features(path: PathLike, *, max_keyframes: int = 16, thumbnail_dir: PathLike | None = None,
                           encoders: Sequence[VisualEncoder] | None = None, max_labels: int = 5,
                           decode_threads: int = 1) -> VideoFeatures:
    """Probe, keyframes, embeddings, labels, stats and warnings for one video.

    Raises MediaError when the file is not a decodable video. ``encoders``
    defaults to :func:`default_encoders`; pass ``()`` to skip the models.
    """
    return extract_media(path, max_keyframes=max_keyframes, thumbnail_dir=thumbnail_dir, encoders=encoders,
                         max_labels=max_labels, decode_threads=decode_threads)[0]


def extract_media(path: PathLike, *, max_keyframes: int = 16, thumbnail_dir: PathLike | None = None,
                  encoders: Sequence[VisualEncoder] | None = None, max_labels: int = 5,
                  decode_threads: int = 1, keyframe_seeks: bool = True) -> tuple[VideoFeatures, MediaText | None]:
    """As :func:`extract_video_features`, plus what the container carries as
    text (tags, chapters, subtitle moments), read in the same open; None
    when FFmpeg cannot read the container."""
    features, media, _ = scan_media(path, max_keyframes=max_keyframes, thumbnail_dir=thumbnail_dir,
                                    encoders=encoders, max_labels=max_labels, decode_threads=decode_threads,
                                    keyframe_seeks=keyframe_seeks, grids=False)
    return features, media


def scan_media(path: PathLike, *, max_keyframes: int = 16, thumbnail_dir: PathLike | None = None,
               encoders: Sequence[VisualEncoder] | None = None, max_labels: int = 5, decode_threads: int = 1,
               keyframe_seeks: bool = True,
               grids: bool = True) -> tuple[VideoFeatures, MediaText | None, FrameGrids | None]:
    """What a scan reads of one file: as :func:`extract_media`, plus (with
    ``grids``) the dense frame grids and audio print duplicates are found by
    (:func:`pyrec.features.framegrid.grids_for`).

    One PyAV open serves every stage (see :mod:`pyrec.features.mediafile`),
    and a short video decoded whole for its grids gives its shot cuts in the
    same pass; OpenCV opens the file once more for the probe."""
    warnings: list[str] = []
    if encoders is None:
        encoders, problems = default_encoders()
        warnings += problems
    shared = open_media(path, threads=decode_threads)
    try:
        return _extract(path, shared, warnings, max_keyframes=max_keyframes, thumbnail_dir=thumbnail_dir,
                        encoders=encoders, max_labels=max_labels, decode_threads=decode_threads,
                        keyframe_seeks=keyframe_seeks, grids=grids)
    finally:
        if shared is not None:
            shared.close()


def _extract(path: PathLike, shared: MediaFile | None, warnings: list[str], *, max_keyframes: int,
             thumbnail_dir: PathLike | None, encoders: Sequence[VisualEncoder], max_labels: int,
             decode_threads: int, keyframe_seeks: bool,
             grids: bool) -> tuple[VideoFeatures, MediaText | None, FrameGrids | None]:
    playable, media, sound = check_container(path, warnings, shared)
    grid_stats: dict[str, float] = {}
    cutter = CutFinder()  # a short video decoded whole for its grids hands its cut frames over in the same pass
    frame_grids: FrameGrids | None = None
    with VideoReader(path, decode_threads=decode_threads) as video:
        info = probe_open(video)
        if playable is not None and is_truncated(playable, info.duration):
            info = replace(info, playable=round(playable, 3))
            warnings.append(f"damaged: only {format_clock(playable)} of {format_clock(info.duration)} plays (truncated?)")
        plays = _playable_part(info)
        picked: KeyframeSet | None = None
        if grids and shared is not None and can_grid(plays.duration, plays.fps, plays.width * plays.height):
            # Decoded whole anyway: the keyframe windows' frames are kept as the grid pass goes by.
            capture = FrameCapture(plays, max_keyframes)
            frame_grids = grids_for(shared, info, grid_stats, warnings, media, cuts=cutter, tap=capture)
            grids = False
            picked = capture.pick(video)
        if picked is None:
            picked = pick_from(video, plays, max_keyframes, keyframe_seeks=keyframe_seeks, media=shared)
    warnings += picked.warnings
    keyframes = picked.keyframes
    images = picked.images

    if thumbnail_dir is not None:
        for frame in picked.frames:
            try:
                frame.keyframe.thumbnail = str(write_thumbnail(frame.image, thumbnail_dir))
            except OSError as exc:  # a full or read-only cache must not lose the video
                warnings.append(f"thumbnail not written: {exc.strerror or exc}")
                break

    embeddings: list[Embedding] = []
    labels: list[Label] = []
    for encoder in encoders if images else ():
        try:
            vectors, probs = encoder.embed(images)
        except ModelError as exc:
            if encoder.spec.bundled:
                raise
            warnings.append(f"model {encoder.spec.id} skipped: {exc.one_line()}")
            continue
        embeddings.append(Embedding(encoder.model_id, video_embedding(vectors)))
        if probs is not None and encoder.has_labels:
            labels += picture_labels(encoder, probs, max_labels)
    if not images:
        warnings.append("no keyframes could be chosen")

    stats = video_stats(images, motion=picked.motion, cuts_per_minute=picked.cuts_per_minute)
    if grids:  # not read with the keyframes above (no shared open)
        frame_grids = grids_for(shared or path, info, grid_stats, warnings, media, cuts=cutter)
    stats.update(grid_stats)
    if len(cutter.times) > 1:
        stats.update(cutter.shots().stats())
    else:
        stats.update(_shot_stats(shared or path, plays, warnings))
    if sound is not None:
        stats.update(sound.stats())
    return VideoFeatures(info, keyframes, embeddings, labels, stats, warnings), media, frame_grids


def _shot_stats(path: PathLike | MediaFile, info: MediaProbe, warnings: list[str]) -> dict[str, float]:
    """Cuts per minute and scene count from the low-res stream (the keyframe
    windows see ~6 s of a film, too little to count cuts: they said 0)."""
    try:
        shots = fast_shots(path, duration=info.duration, fps=info.fps, width=info.width, height=info.height)
    except MediaError as exc:
        warnings.append(f"shot cuts not measured: {exc.reason}")
        return {}
    return shots.stats()


def picture_labels(encoder: VisualEncoder, probs: np.ndarray, max_labels: int) -> list[Label]:
    """Coarse categories where the model ships a category table (the bundled
    ImageNet model: "water", not "jellyfish 26 %"); a user's classifier keeps
    its own class names."""
    table = category_table(encoder.spec)
    if table is not None:
        return category_labels(probs, table, source=encoder.spec.id, top=max_labels)
    return labels_from_probs(probs, encoder.classes, top=max_labels, source=encoder.spec.id)


def check_container(path: PathLike, warnings: list[str],
                    shared: MediaFile | None = None) -> tuple[float | None, MediaText | None, SoundShares | None]:
    """What FFmpeg's demuxer says before any frame is decoded, in one open:
    a file with no video stream is refused by name (an audio-only file is not
    "a video OpenCV cannot open"), the container's tags, chapters and
    subtitle text are read, the seconds that really play are measured, and
    the sound is heard from sampled windows (speech / music / silence, loudness).
    (None, None, None) when FFmpeg cannot read the container (OpenCV then has its say).
    ``shared``: the scan's open of the file (else it is opened here)."""
    if shared is None:
        shared = open_media(path)
        if shared is None:
            return None, None, None
        with shared:
            return check_container(path, warnings, shared)
    container = shared.container
    if not container.streams.video:
        kind = "audio only" if container.streams.audio else "no audio either"
        raise MediaError(f"no video stream ({kind})", os.fspath(path))
    try:
        # Subtitle text first: it demuxes from the start; the end is then found by seeking.
        media = _media_text(container, path, warnings)
        playable = playable_in(container)
        return playable, media, _sound(container, path, playable, warnings)
    except MediaError:
        return None, None, None


def _sound(container: av.container.InputContainer, path: PathLike, playable: float | None,
           warnings: list[str]) -> SoundShares | None:
    """The sound's shares and loudness; a track that will not decode costs
    one line, never the video. None when the file has no audio."""
    if not container.streams.audio:
        return None
    claimed = container.duration / 1_000_000 if container.duration else 0.0
    duration = min(claimed, playable) if playable is not None and claimed > 0 else (playable or claimed)
    try:
        return measure_container(container, path, duration)
    except MediaError as exc:
        warnings.append(f"{os.fspath(path)}: sound not measured ({exc.reason})")
    except ModelError as exc:
        warnings.append(f"{os.fspath(path)}: sound not measured ({exc.one_line()})")
    return None


def _media_text(container: av.container.InputContainer, path: PathLike,
                warnings: list[str]) -> MediaText | None:
    """Tags, chapters and subtitle lines; a file whose text cannot be read
    costs one line, never the video (its pictures may be fine)."""
    try:
        return read_media_text(container, path, warnings)
    except Exception as exc:  # noqa: BLE001 - any failure here is the file's, the video still indexes
        warnings.append(f"{os.fspath(path)}: tags and subtitles not read ({type(exc).__name__}: {exc})")
        return None


def _playable_part(info: MediaProbe) -> MediaProbe:
    """The probe keyframes are picked from: only the part that plays."""
    if info.playable is None or info.fps <= 0:
        return info
    frames = max(1, int(info.playable * info.fps))
    return replace(info, duration=info.playable, frame_count=min(frames, info.frame_count))
