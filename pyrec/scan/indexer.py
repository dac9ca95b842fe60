"""Turn one video file into a VideoRecord: media features plus everything its
name, sidecars and folders say. Runs in scan worker processes, so it returns
plain picklable records and never touches the database.
"""

from __future__ import annotations

import os
import traceback
from dataclasses import dataclass, replace
from typing import NamedTuple

from pyrec.errors import MediaError, PyrecError
from pyrec.features.extract import embed_text_info, scan_media
from pyrec.features.language import preferred_languages
from pyrec.features.media_text import subtitle_digest
from pyrec.features.soundscape import sound_traits
from pyrec.records import (EntityRef, FileStat, MediaText, Moment, ScanFailure, SubtitleFile, TextInfo,
                           VideoRecord)
from pyrec.scan import names, nfo, subtitles
from pyrec.scan import tags as tags_module


@dataclass(frozen=True)
class IndexOptions:
    roots: tuple[str, ...]
    thumbnail_dir: str | None
    max_keyframes: int = 16
    embed_text: bool = True


def _merge_text(base: TextInfo, extra: TextInfo) -> TextInfo:
    """Fields from a sidecar beat fields guessed from the file name; sidecars
    come most general first (tvshow.nfo before the episode's own), so the
    most specific one wins."""
    merged = replace(base)
    for name in ("title", "original_title", "year", "season", "episode", "plot", "tagline", "rating",
                 "media_type", "series"):
        value = getattr(extra, name)
        if value not in (None, "", 0):
            setattr(merged, name, value)
    merged.sources = tuple(dict.fromkeys((*base.sources, *extra.sources)))
    return merged


def _dedupe(entities: list[EntityRef]) -> list[EntityRef]:
    seen: dict[tuple[str, str, str], EntityRef] = {}
    for e in entities:
        key = (e.kind, e.name.casefold(), e.role)
        if e.name.strip() and key not in seen:
            seen[key] = e
    return list(seen.values())


class SidecarText(NamedTuple):
    """The best subtitle sidecar's timed lines, and every sidecar read with its language."""

    moments: list[Moment]
    files: tuple[SubtitleFile, ...] = ()


def describe_text(path: str, roots: tuple[str, ...], warnings: list[str],
                  media: MediaText | None = None) -> tuple[TextInfo, list[EntityRef], SidecarText]:
    """Title, plot, people, genres… from the file name, the container's tags,
    .nfo sidecars, subtitles and folders. Each beats the one before it: a
    .nfo over tags (see pyrec.scan.tags) over the name. Also the best subtitle
    sidecar's timed lines, as moments."""
    text = names.parse_name(path)
    entities: list[EntityRef] = []
    tags = media.container.tags if media is not None else {}
    if tags:
        text = _merge_text(text, tags_module.text_from_tags(tags))
    for sidecar in nfo.find_nfo(path):
        try:
            info, found = nfo.parse_nfo(sidecar)
        except PyrecError as exc:
            warnings.append(exc.one_line())
            continue
        text = _merge_text(text, info)
        entities += found
    entities += tags_module.fill_silent(entities, tags_module.entities_from_tags(tags))
    entities += names.series_entities(text)
    # A "Breaking Bad" folder must not duplicate the series node.
    entities += names.folder_entities(path, list(roots), exclude=[t for t in (text.series, text.title) if t])
    preferred = preferred_languages()
    subtitle_files = subtitles.find_subtitles(path, preferred)
    sidecar_text, files = SidecarText([]), []
    if subtitle_files:
        # The one in the user's language by its lines (names lie) leads; its timed lines become moments.
        files = subtitles.judged_sidecars(subtitle_files, path, warnings, preferred)
        if files:
            best = files[0]
            moments = subtitles.sidecar_moments(best.path, best.cues, path, language=best.language.language)
            sidecar_text = SidecarText(moments, tuple(subtitles.subtitle_file(f) for f in files))
        text.sources = (*text.sources, *subtitle_files)
    if sidecar_text.files and not _embedded_speaks_better(media, sidecar_text.files[0].language.language, preferred):
        text.subtitles = subtitles.digest_of((f.path, f.cues) for f in files)
    else:  # no sidecar, or none in a language the user reads better than a track's: the embedded lines
        text.subtitles = subtitle_digest(media, preferred=preferred)
    return text, _dedupe(entities), sidecar_text


def _embedded_speaks_better(media: MediaText | None, sidecar_language: str, preferred: list[str]) -> bool:
    """An embedded track is in a language the user prefers to the best sidecar's
    (an English reader, a Spanish film.en.srt and an English track)."""
    def rank(language: str) -> int:
        return preferred.index(language) if language in preferred else len(preferred)

    tracks = {m.language for m in media.moments if m.kind == "subtitle"} if media is not None else set()
    return bool(tracks) and min(map(rank, tracks)) < rank(sidecar_language)


def with_sidecar_cues(media: MediaText | None, sidecar: SidecarText) -> MediaText | None:
    """The best subtitle sidecar's timed lines join the container's moments,
    so search can say where the words are (lines the container carries too are
    kept once); every sidecar read is listed with the tracks."""
    if media is None:
        return media
    known = {(round(m.start, 1), m.text) for m in media.moments}
    fresh = tuple(m for m in sidecar.moments if (round(m.start, 1), m.text) not in known)
    return replace(media, moments=media.moments + fresh, subtitle_files=sidecar.files)


def index_file(stat: FileStat, options: IndexOptions) -> VideoRecord | ScanFailure:
    """Index one file. Never raises: a failure comes back as a ScanFailure."""
    try:
        features, media, grids = scan_media(
            stat.path,
            max_keyframes=options.max_keyframes,
            thumbnail_dir=options.thumbnail_dir,
        )
        # Feature warnings speak of "the file": name it, as every scan line does.
        warnings = [w if w.startswith(f"{stat.path}: ") else f"{stat.path}: {w}" for w in features.warnings]
        text, entities, sidecar_lines = describe_text(stat.path, options.roots, warnings, media)
        media = with_sidecar_cues(media, sidecar_lines)
        entities += [EntityRef("sound", trait) for trait in sound_traits(features.stats)]
        embeddings = list(features.embeddings)
        if options.embed_text:
            embedding = embed_text_info(text, [e.name for e in entities if e.kind in ("genre", "tag", "person")])
            if embedding is not None:
                embeddings.append(embedding)
        return VideoRecord(
            file=stat,
            probe=features.probe,
            text=text,
            keyframes=features.keyframes,
            embeddings=embeddings,
            labels=features.labels,
            entities=entities,
            stats=features.stats,
            warnings=warnings,
            media=media,
            frame_grids=grids,  # for duplicates: read in the same open (and decode) of the file
        )
    except MediaError as exc:
        return ScanFailure(stat, exc.one_line())
    except PyrecError as exc:
        return ScanFailure(stat, exc.one_line())
    except MemoryError:
        return ScanFailure(stat, f"{stat.path}: out of memory while decoding", transient=True)
    except Exception as exc:  # a bug or an exotic file: report it, keep scanning
        where = traceback.extract_tb(exc.__traceback__)[-1]
        location = f"{os.path.basename(where.filename)}:{where.lineno}"
        return ScanFailure(stat, f"{stat.path}: unexpected {type(exc).__name__} ({exc}) at {location}")
