"""What ``show`` says about languages that are not what they claim: a
subtitle track tagged English whose lines are French, a sidecar named
``.en.srt`` that is Spanish, an audio track tagged English in which Whisper
heard French. The scan decided which language to trust
(pyrec.features.language); this only words it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from pyrec.features.language import claim_line, language_name, normalise
from pyrec.library.rows import MediaInfo, TrackRow
from pyrec.records import Moment
from pyrec.shapes import track_name

# Whisper's language of most speech lines must be this share of them to be
# held against the audio track's tag (speech.py stores a language only when
# Whisper was sure of it).
SPEECH_AGREEMENT = 0.6


def track_note(track: TrackRow) -> str:
    """"tagged English, reads as French" for a track whose lines overruled its tag, else ""."""
    claimed = normalise(track.tagged)
    if track.kind != "subtitle" or not claimed or not track.language or track.language == claimed:
        return ""
    note = claim_line("subtitle", claimed, track.language)
    return note.replace("tagged", "named", 1) if track.index < 0 else note


def spoken_language(speech: Sequence[Moment]) -> str:
    """The language most speech lines were heard in, if most agree ("" otherwise)."""
    heard = Counter(m.language for m in speech if m.language)
    if not heard:
        return ""
    language, count = heard.most_common(1)[0]
    return language if count >= SPEECH_AGREEMENT * len(speech) else ""


def audio_note(media: MediaInfo | None, speech: Sequence[Moment]) -> tuple[int, str] | None:
    """(audio stream index, "tagged English, sounds like French") when the first
    audio track's tag and what Whisper heard disagree; None when they agree or
    either is unknown."""
    audio = next((t for t in media.streams if t.kind == "audio"), None) if media else None
    heard = spoken_language(speech)
    claimed = normalise(audio.tagged) if audio else ""
    if audio is None or not heard or not claimed or claimed == heard:
        return None
    return audio.index, claim_line("audio", claimed, heard)


def language_notes(media: MediaInfo | None, speech: Sequence[Moment]) -> list[str]:
    """Every mislabelled track, one line each: "subtitles 2: tagged English, reads as French"."""
    notes = [f"{track_name(t)}: {note}" for t in (media.streams if media else ()) if (note := track_note(t))]
    audio = audio_note(media, speech)
    if audio is not None:
        notes.append(f"audio {audio[0]}: {audio[1]}")
    return notes


def name_of(code: str) -> str:
    """"French" for "fre"; "" for unknown."""
    return language_name(code) if code else ""


def heard_in(speech: Sequence[Moment]) -> str:
    """"French" for the language the speech was heard in ("" unknown)."""
    language = spoken_language(speech)
    return language_name(language) if language else ""


__all__ = ["audio_note", "heard_in", "language_notes", "name_of", "spoken_language", "track_note"]
