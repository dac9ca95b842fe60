"""Which language a subtitle track or file is really written in.

Tags and file names lie: tracks tagged ``und`` or nothing, an English track
tagged ``fre``, ``film.en.srt`` that is Spanish. This reads the lines with
py3langid (BSD-3; a naive Bayes model over byte n-grams for 97 languages,
shipped in its wheel as ``py3langid/data/model.npz.xz`` and checked against
the sha256 in pyrec's model manifest; nothing is downloaded), and decides
what to trust: the tag, the detection, or neither ("" = unknown).

Codes: pyrec stores ISO 639-2/B ("eng", "fre", "ger"), as Matroska muxes
them and as the speech stage writes them; any 639-1, 639-2/T or English name
is normalised to that.
"""

from __future__ import annotations

import functools
import json
import locale
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyrec.errors import ModelError
from pyrec.records import TrackLanguage

LANGID_MODEL = "py3langid"  # the model manifest's "dependencies" entry

# -- how sure is sure enough (measured; benchmarks/bench_language.py) ---------
# Measured with py3langid 0.4 (norm_probs) on 10 languages (en fr de es it pt nl
# sv ja ru), 40 random tracks of 1..12 subtitle lines each (4,800 tracks),
# bucketed by letters (a CJK character counts as 3):
#   letters   tracks  conf >= 0.9: kept / wrong   conf >= 0.99: kept / wrong
#    0-20        65        0.28 / 0                   0.08 / 0
#   20-40       292        0.75 / 0                   0.38 / 0
#   40-60       246        0.93 / 0                   0.59 / 0
#   60-80       272        0.99 / 0                   0.79 / 0
#   80-120      554        1.00 / 0                   0.90 / 0
#   120+       3371        1.00 / 0                   0.99-1.00 / 0
# Every wrong top guess had confidence <= 0.37 (single Russian lines read as
# Belarusian/Bulgarian); the true language's own probability was >= 0.23 from
# 20 letters on. Noise tracks stay far below: "♪ La la la ♪" 0.12, ten names
# ("John! Mary! …", 46 letters) 0.04, "Ha ha! Oh! Hmm…" (41 letters) 0.05,
# "[MUSIC PLAYING] [DOOR OPENS] …" 0.64 (English, but below the bar).
MIN_LETTERS = 40  # fewer and a track stays unknown (3 short lines, numbers, ♪)
MIN_CONFIDENCE = 0.9  # to name the language of an untagged track
# To overrule a tag: twice the letters, near certainty, and the tagged
# language itself all but ruled out (its own probability < 1 %): a correctly
# tagged track of >= 20 letters never scored its language below 0.23.
OVERRULE_LETTERS = 80
OVERRULE_CONFIDENCE = 0.99
OVERRULE_TAG_PROBABILITY = 0.01
# Enough to judge a feature film: lines spread over the whole track.
SAMPLE_CHARS = 6000

# Languages a detector confuses with good reason and a tag may rightly claim.
_KIN = (frozenset({"nor", "nob", "nno", "dan"}), frozenset({"srp", "hrv", "bos"}), frozenset({"may", "ind"}),
        frozenset({"glg", "por"}), frozenset({"cat", "spa"}))
_UNKNOWN = frozenset({"", "und", "unk", "mis", "mul", "zxx", "xx", "unknown", "none"})
_MUSIC = re.compile(r"[♪♫♬]")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


@dataclass(frozen=True)
class Guess:
    """What the text alone says: a language (639-2/B, "" if too little text or
    too unsure), how sure, and every language's probability for the tag check."""

    language: str
    confidence: float
    letters: int
    probabilities: dict[str, float]

    def probability(self, code: str) -> float | None:
        """The probability of ``code`` (639-2/B); None if the model does not know it."""
        alpha2 = _alpha2(code)
        return self.probabilities.get(alpha2) if alpha2 else None


def judge(claimed: str, lines: Sequence[str]) -> TrackLanguage:
    """The language to trust for a track whose tag or name says ``claimed``.
    An untagged track takes a sure detection; a tagged one keeps its tag
    unless the text overrules it (see the constants above); a tag the model
    does not know is kept."""
    tagged = normalise(claimed)
    guess = detect(lines)
    if not tagged:
        return TrackLanguage(guess.language, "", guess.language, guess.confidence)
    tag_probability = guess.probability(tagged)
    overrule = (guess.language and guess.language != tagged and not _kin(guess.language, tagged)
                and guess.letters >= OVERRULE_LETTERS and guess.confidence >= OVERRULE_CONFIDENCE
                and tag_probability is not None and tag_probability < OVERRULE_TAG_PROBABILITY)
    return TrackLanguage(guess.language if overrule else tagged, tagged, guess.language, guess.confidence)


def detect(lines: Sequence[str]) -> Guess:
    """The language of subtitle lines; "" when they are too few or too unsure."""
    text = _sample([line for line in lines if not _MUSIC.search(line)])
    letters = sum(ch.isalpha() for ch in text) + 2 * len(_CJK.findall(text))
    if letters < MIN_LETTERS:
        return Guess("", 0.0, letters, {})
    ranked = dict(_identifier().rank(text))
    best = max(ranked, key=ranked.__getitem__)
    confidence = float(ranked[best])
    code = normalise(best) if confidence >= MIN_CONFIDENCE else ""
    return Guess(code, confidence, letters, {k: float(v) for k, v in ranked.items()})


def _sample(lines: list[str]) -> str:
    """At most SAMPLE_CHARS of the lines, taken evenly from the whole track
    (an opening song or a credit roll must not decide for the film)."""
    whole = sum(len(line) + 1 for line in lines)
    if whole <= SAMPLE_CHARS:
        return "\n".join(lines)
    step = whole / SAMPLE_CHARS
    return "\n".join(lines[int(i * step)] for i in range(int(len(lines) / step)))


def _kin(a: str, b: str) -> bool:
    return any(a in group and b in group for group in _KIN)


@functools.lru_cache(maxsize=1)
def _identifier() -> Any:
    """py3langid's identifier over the model in its wheel, verified once per process."""
    from py3langid.langid import LanguageIdentifier

    path = langid_model_file()
    return LanguageIdentifier.from_model_file(path, norm_probs=True)


def langid_model_file() -> Path:
    """The model file inside the installed py3langid wheel, checked against the
    sha256 in pyrec's model manifest (another version or a damaged file:
    ModelError, never a silent download)."""
    import importlib.util

    from pyrec.models.registry import verify_file  # lazily: the service imports this module for names

    spec = importlib.util.find_spec("py3langid")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError("py3langid is not installed (a pyrec dependency): pip install py3langid")
    site = Path(next(iter(spec.submodule_search_locations))).parent
    name, info = next(iter(langid_manifest_entry()["files"].items()))
    path = site / name
    verify_file(path, info["sha256"])
    return path


def langid_manifest_entry() -> dict[str, Any]:
    """What the model manifest records of py3langid's model (source, licence,
    files): its ``dependencies`` section, models that a runtime dependency's
    wheel carries (recorded by tools/record_langid_model.py)."""
    from pyrec.models.registry import MANIFEST

    doc = json.loads(MANIFEST.read_text(encoding="utf-8"))
    entry = doc.get("dependencies", {}).get(LANGID_MODEL)
    if not isinstance(entry, dict):
        raise ModelError(f"manifest has no dependency model {LANGID_MODEL!r}", MANIFEST)
    return entry


# -- codes and names -------------------------------------------------------------
@functools.lru_cache(maxsize=512)
def normalise(tag: str) -> str:
    """Any language tag or name (en, eng, fra, fre, French, pt-BR) as ISO
    639-2/B; "" for none, ``und`` or something that is not a language."""
    from babelfish import Error, Language

    raw = tag.strip().replace("_", "-").split("-")[0].casefold()
    if raw in _UNKNOWN:
        return ""
    for convert in ("alpha3b", "alpha2", "name"):
        try:
            found = Language.fromcode(raw if convert != "name" else raw.title(), convert)
        except (Error, ValueError, KeyError):
            continue
        return str(found.alpha3b) if _has_b(found) else str(found.alpha3)
    try:
        found = Language(raw)  # 639-3 / 639-2/T ("fra", "deu")
    except ValueError:
        return ""
    return str(found.alpha3b) if _has_b(found) else str(found.alpha3)


def _has_b(language: Any) -> bool:
    from babelfish import Error

    try:
        return bool(language.alpha3b)
    except Error:  # a language with no 639-2/B code
        return False


def _alpha2(code: str) -> str:
    from babelfish import Error, Language

    try:
        return str(Language.fromcode(code, "alpha3b").alpha2)
    except (Error, ValueError, KeyError):  # no 639-1 code: the model knows it under no name we can ask for
        return ""


@functools.lru_cache(maxsize=512)
def language_name(code: str) -> str:
    """The English name of a 639-2/B code ("fre" → "French"); the code itself if unknown."""
    from babelfish import Error, Language

    try:
        return str(Language.fromcode(code, "alpha3b").name)
    except (Error, ValueError, KeyError):
        return code


def claim_line(kind: str, claimed: str, trusted: str) -> str:
    """How a mislabelled track is said: "tagged English, reads as French"."""
    verb = "sounds like" if kind == "audio" else "reads as"
    return f"tagged {language_name(claimed)}, {verb} {language_name(trusted)}"


def preferred_languages(env: dict[str, str] | None = None) -> list[str]:
    """The user's languages, best first (639-2/B), English last: PYREC_LANGUAGES
    ("fre,eng"), else the locale (LANGUAGE, LC_ALL, LC_MESSAGES, LANG).
    pyrec has no language setting of its own; the desktop's is the user's choice."""
    env = dict(os.environ) if env is None else env
    named = env.get("PYREC_LANGUAGES", "").replace(":", ",").split(",")
    if not any(n.strip() for n in named):
        named = [env.get(k, "") for k in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")]
        named = [part for value in named for part in value.split(":")]
        if not any(named):
            named = [locale.getlocale()[0] or ""]
    codes = [normalise(n.split(".")[0]) for n in named if n and n.split(".")[0] not in ("C", "POSIX")]
    return list(dict.fromkeys([c for c in codes if c] + ["eng"]))


def first_preferred(languages: Iterable[str], preferred: Sequence[str]) -> int:
    """Index of the first of ``languages`` in the user's best language, else 0."""
    items = list(languages)
    for want in preferred:
        if want in items:
            return items.index(want)
    return 0


__all__ = ["Guess", "TrackLanguage", "claim_line", "detect", "first_preferred", "judge", "language_name",
           "langid_manifest_entry", "langid_model_file", "normalise", "preferred_languages"]
