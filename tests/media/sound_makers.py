"""Videos with known sound, made with the ffmpeg tool: speech, a chord
melody, pink noise, silence, a mix, a long file, and one whose audio track
is junk. The speech is espeak-ng reading one sentence
(``data/lighthouse-speech.opus``; remade with espeak-ng when it is installed
and ``PYREC_REMAKE_SPEECH=1``)."""

from __future__ import annotations

import os
import random
from fractions import Fraction
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

Run = Callable[..., None]

DATA = Path(__file__).resolve().parent / "data"
SPEECH_TEXT = ("The lighthouse keeper watched the storm roll in over the harbour. "
               "Every night he climbed the stairs and lit the great lamp.")
SPEECH_SECONDS = 6.5  # the recording's length


def speech_file() -> Path:
    path = DATA / "lighthouse-speech.opus"
    if os.environ.get("PYREC_REMAKE_SPEECH") == "1" and shutil.which("espeak-ng"):
        wav = path.with_suffix(".wav")
        subprocess.run(["espeak-ng", "-w", str(wav), SPEECH_TEXT], check=True)
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-i", str(wav), "-ar", "16000", "-ac", "1", "-c:a", "libopus",
                        "-b:a", "24k", str(path)], check=True)
        wav.unlink()
    return path


PICTURES = ("testsrc2", "mandelbrot", "life=mold=10:ratio=0.2:death_color=#C83232:life_color=#00ff00",
            "cellauto=rule=110", "smptebars")


def _picture(seconds: float, picture: str = PICTURES[0]) -> list[str]:
    """A moving picture from one of ffmpeg's generators (different ones are
    different videos to the duplicate finder, whatever their sound)."""
    sep = ":" if "=" in picture else "="
    return ["-f", "lavfi", "-i", f"{picture}{sep}size=160x90:rate=10", "-t", str(seconds)]


# A melody of chords: notes with harmonics and a decay, as music is.
MELODY = ("0.25*sin(2*PI*t*{f})*exp(-2*mod(t,0.5))+0.12*sin(4*PI*t*{f})*exp(-2*mod(t,0.5))"
          "+0.15*sin(2*PI*t*{g})+0.1*sin(2*PI*t*{h})")


def melody_source(seconds: float) -> list[str]:
    f = "if(lt(mod(t,2),1),262,330)"
    expr = MELODY.format(f=f, g=196, h=392)
    return ["-f", "lavfi", "-i", f"aevalsrc='{expr}':s=48000:d={seconds}"]


def make_with_audio(ffmpeg: Run, path: Path, audio: list[str], seconds: float, *, codec: str = "aac",
                    picture: str = PICTURES[0]) -> Path:
    """A small H.264 video with the given audio input (ffmpeg arguments)."""
    ffmpeg(*_picture(seconds, picture), *audio, "-map", "0:v", "-map", "1:a", "-c:v", "libx264", "-g", "10",
           "-c:a", codec, "-shortest", str(path))
    return path


def make_speech_video(ffmpeg: Run, path: Path, *, picture: str = PICTURES[0]) -> Path:
    """The spoken sentence, then a second and a half of quiet: 8 s."""
    ffmpeg(*_picture(8, picture), "-i", str(speech_file()), "-map", "0:v", "-map", "1:a", "-c:v", "libx264", "-g", "10",
           "-c:a", "aac", "-af", "apad=whole_dur=8", "-t", "8", str(path))
    return path


def make_music_video(ffmpeg: Run, path: Path, seconds: float = 10.0, *, picture: str = PICTURES[0]) -> Path:
    return make_with_audio(ffmpeg, path, melody_source(seconds), seconds, picture=picture)


def make_noise_video(ffmpeg: Run, path: Path, seconds: float = 10.0) -> Path:
    return make_with_audio(ffmpeg, path, ["-f", "lavfi", "-i", f"anoisesrc=color=pink:amplitude=0.3:d={seconds}"],
                           seconds)


def make_silent_video(ffmpeg: Run, path: Path, seconds: float = 10.0) -> Path:
    return make_with_audio(ffmpeg, path, ["-f", "lavfi", "-i", f"anullsrc=r=48000:cl=stereo:d={seconds}"], seconds)


def make_long_video(ffmpeg: Run, path: Path, minutes: float, *, size: str = "160x90") -> Path:
    """Speech, music and silence taking turns (20 s each) for ``minutes``."""
    seconds = minutes * 60
    speech = str(speech_file())
    graph = (f"[1:a]apad=whole_dur=20,atrim=0:20,aresample=48000,aloop=loop=-1:size={20 * 48000}[sp];"
             f"[2:a]atrim=0:20[mu];[3:a]atrim=0:20[si];[sp]atrim=0:20[sp1];"
             f"[sp1][mu][si]concat=n=3:v=0:a=1,aloop=loop=-1:size={60 * 48000},atrim=0:{seconds}[a]")
    ffmpeg("-f", "lavfi", "-i", f"testsrc2=size={size}:rate=24:duration={seconds}", "-i", speech,
           *melody_source(20), "-f", "lavfi", "-i", "anullsrc=r=48000:cl=mono:d=20",
           "-filter_complex", graph, "-map", "0:v", "-map", "[a]", "-c:v", "libx264", "-preset", "ultrafast",
           "-g", "240", "-c:a", "aac", "-t", str(seconds), str(path))
    return path


def make_junk_audio_video(path: Path, seconds: float = 4.0) -> Path:
    """A video whose MP3 track holds random bytes: the pictures are fine, no audio frame decodes."""
    import av
    import numpy as np

    rng = random.Random(3)
    with av.open(str(path), "w", format="matroska") as out:
        video = out.add_stream("libx264", rate=10)
        video.width, video.height, video.pix_fmt = 160, 96, "yuv420p"
        audio = out.add_stream("mp3", rate=44100)
        for i in range(int(seconds * 10)):
            frame = av.VideoFrame.from_ndarray(np.full((96, 160, 3), (i * 6) % 255, np.uint8), format="rgb24")
            for packet in video.encode(frame):
                out.mux(packet)
            junk = av.Packet(bytes(rng.randrange(256) for _ in range(400)).replace(b"\xff", b"\x00"))
            junk.stream = audio
            junk.time_base = Fraction(1, 44100)
            junk.pts = junk.dts = i * 4410
            out.mux(junk)
        for packet in video.encode():
            out.mux(packet)
    return path


def make_sound_library(ffmpeg: Run, folder: Path) -> Path:
    """Two music videos, two talks and a quiet clip (music is a minority,
    so it is an informative trait): the folder, made."""
    folder.mkdir(parents=True, exist_ok=True)
    make_music_video(ffmpeg, folder / "Night Chords.mp4", picture=PICTURES[1])
    make_music_video(ffmpeg, folder / "Harbour Song.mp4", seconds=12.0, picture=PICTURES[2])
    make_speech_video(ffmpeg, folder / "Keeper Talks.mp4", picture=PICTURES[3])
    make_speech_video(ffmpeg, folder / "Ferry Talks.mp4", picture=PICTURES[4])
    make_silent_video(ffmpeg, folder / "Still Water.mp4", seconds=6.0)
    return folder
