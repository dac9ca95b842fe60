"""Build the small sample library ``pyrec demo`` scans: rendered clips in
several visual styles, Kodi-style ``.nfo`` sidecars with people and genres, a
series with a ``tvshow.nfo`` and episode files, and a subtitle file.

Everything is generated locally and deterministically; nothing is downloaded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from pyrec.demo.clips import render_clip, resized_copy


@dataclass(frozen=True)
class SampleTitle:
    relpath: str  # where the clip goes, relative to the library root
    style: str
    title: str
    year: int
    plot: str
    genres: tuple[str, ...] = ()
    directors: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    collection: str = ""
    subtitles: tuple[str, ...] = field(default=())
    seed: int = 0


CATALOGUE: tuple[SampleTitle, ...] = (
    SampleTitle("Movies/Tidewater (2019)/Tidewater.2019.mp4", "ocean", "Tidewater", 2019,
                "A lighthouse keeper charts the tides of a remote island through one stormy autumn.",
                ("Documentary", "Nature"), ("Mira Okafor",), ("Jon Ellery",), ("sea", "island"), seed=1,
                subtitles=("The tide comes in twice a day.", "Every wave carries salt and light.")),
    SampleTitle("Movies/Salt Lines (2021)/Salt.Lines.2021.mp4", "ocean", "Salt Lines", 2021,
                "Fishermen along a northern coast follow the herring as the sea warms.",
                ("Documentary", "Nature"), ("Mira Okafor",), ("Ana Ruiz",), ("sea", "fishing"), seed=2),
    SampleTitle("Movies/The Long Swell (2016)/The.Long.Swell.2016.mp4", "ocean", "The Long Swell", 2016,
                "Two surfers chase a legendary wave across an ocean.",
                ("Adventure", "Sport"), ("Theo Brandt",), ("Ana Ruiz", "Kai Moana"), ("surfing", "sea"), seed=3),
    SampleTitle("Movies/Canopy (2018)/Canopy.2018.mp4", "forest", "Canopy", 2018,
                "A year in the life of an old-growth forest, from the roots to the crowns.",
                ("Documentary", "Nature"), ("Mira Okafor",), ("Jon Ellery",), ("forest", "trees"), seed=4),
    SampleTitle("Movies/Green Hollow (2022)/Green.Hollow.2022.mp4", "forest", "Green Hollow", 2022,
                "Children lost in the woods find a village that is not on any map.",
                ("Fantasy", "Family"), ("Lena Fairweather",), ("Pip Carraway", "Ana Ruiz"), ("forest", "magic"), seed=5),
    SampleTitle("Movies/Neon Alley (2020)/Neon.Alley.2020.mp4", "city-night", "Neon Alley", 2020,
                "A night-shift taxi driver is drawn into a heist across a sleepless city.",
                ("Thriller", "Crime"), ("Victor Hale",), ("Dara Quinn", "Sam Okoro"), ("city", "night", "heist"), seed=6),
    SampleTitle("Movies/After Midnight (2017)/After.Midnight.2017.mp4", "city-night", "After Midnight", 2017,
                "A detective works one case from dusk to dawn in a city of lit windows.",
                ("Thriller", "Crime", "Mystery"), ("Victor Hale",), ("Dara Quinn",), ("city", "detective"), seed=7),
    SampleTitle("Movies/Signal Lights (2023)/Signal.Lights.2023.mp4", "city-night", "Signal Lights", 2023,
                "A radio host takes calls from strangers on the longest night of the year.",
                ("Drama",), ("Lena Fairweather",), ("Sam Okoro",), ("city", "radio"), seed=8),
    SampleTitle("Movies/Dune Sea (2015)/Dune.Sea.2015.mp4", "desert", "Dune Sea", 2015,
                "A caravan crosses the great sand sea with an unreliable map.",
                ("Adventure",), ("Theo Brandt",), ("Kai Moana", "Ana Ruiz"), ("desert", "journey"), seed=9),
    SampleTitle("Movies/Whiteout (2019)/Whiteout.2019.mp4", "snow", "Whiteout", 2019,
                "Stranded researchers wait out a blizzard at a polar station.",
                ("Thriller", "Drama"), ("Victor Hale",), ("Jon Ellery", "Dara Quinn"), ("snow", "survival"), seed=10),
    SampleTitle("Movies/First Snow (2021)/First.Snow.2021.mp4", "snow", "First Snow", 2021,
                "A quiet winter documentary about a mountain village waking under snow.",
                ("Documentary", "Nature"), ("Mira Okafor",), (), ("snow", "mountains"), seed=11),
    SampleTitle("Kids/Bouncy Shapes (2020).mp4", "cartoon", "Bouncy Shapes", 2020,
                "Colourful shapes learn to share the playground.",
                ("Animation", "Family"), ("Pip Carraway",), ("Pip Carraway",), ("kids", "shapes"),
                collection="Shape Friends", seed=12),
    SampleTitle("Kids/Bouncy Shapes 2 (2022).mp4", "cartoon", "Bouncy Shapes 2", 2022,
                "The shapes go on a road trip and meet the triangles.",
                ("Animation", "Family"), ("Pip Carraway",), ("Pip Carraway",), ("kids", "shapes"),
                collection="Shape Friends", seed=13),
    SampleTitle("Kids/Colour Parade (2023).mp4", "cartoon", "Colour Parade", 2023,
                "Every colour gets a turn to lead the parade.",
                ("Animation", "Family", "Musical"), ("Lena Fairweather",), (), ("kids", "colours"), seed=14),
)

DUPLICATED_TITLE = "Tidewater"
SERIES_NAME = "Desert Tales"
SERIES_EPISODES: tuple[tuple[int, str, str], ...] = (
    (1, "The Well", "A village's only well runs dry and the elders send for help."),
    (2, "Sandstorm", "A storm buries the road home."),
    (3, "Oasis", "The travellers find water, and someone who got there first."),
)


def _nfo_movie(item: SampleTitle) -> str:
    parts = [f"<title>{escape(item.title)}</title>", f"<year>{item.year}</year>",
             f"<plot>{escape(item.plot)}</plot>"]
    parts += [f"<genre>{escape(g)}</genre>" for g in item.genres]
    parts += [f"<tag>{escape(t)}</tag>" for t in item.tags]
    parts += [f"<director>{escape(d)}</director>" for d in item.directors]
    parts += [f"<actor><name>{escape(a)}</name><order>{i}</order></actor>" for i, a in enumerate(item.actors)]
    if item.collection:
        parts.append(f"<set><name>{escape(item.collection)}</name></set>")
    body = "\n  ".join(parts)
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<movie>\n  {body}\n</movie>\n'


def _srt(lines: tuple[str, ...]) -> str:
    cues = []
    for i, line in enumerate(lines):
        start, end = 1 + 2 * i, 2 + 2 * i
        cues.append(f"{i + 1}\n00:00:0{start},000 --> 00:00:0{end},500\n{line}\n")
    return "\n".join(cues)


def build_sample_library(root: str | Path, *, seconds: float = 4.0, size: tuple[int, int] = (320, 240)) -> list[Path]:
    """Create (or refresh) the sample library under ``root``; returns the clip paths.

    Idempotent: existing clips are kept, so a second demo run rescans nothing.
    """
    root = Path(root)
    clips: list[Path] = []
    for item in CATALOGUE:
        path = root / item.relpath
        if not path.exists():
            render_clip(path, item.style, seconds=seconds, size=size, seed=item.seed)
        nfo = path.with_suffix(".nfo")
        if not nfo.exists():
            nfo.write_text(_nfo_movie(item), encoding="utf-8")
        if item.subtitles and not path.with_suffix(".en.srt").exists():
            path.with_suffix(".en.srt").write_text(_srt(item.subtitles), encoding="utf-8")
        clips.append(path)

    # A second copy of one film at another resolution, as downloads often are:
    # `pyrec dupes` should group it with the original and suggest the better one.
    original = next(item for item in CATALOGUE if item.title == DUPLICATED_TITLE)
    copy = root / "Downloads" / "tidewater_480p.mp4"
    if not copy.exists():
        resized_copy(root / original.relpath, copy, 2.0)
    clips.append(copy)

    show_dir = root / "Series" / SERIES_NAME
    season_dir = show_dir / "Season 1"
    season_dir.mkdir(parents=True, exist_ok=True)
    tvshow = show_dir / "tvshow.nfo"
    if not tvshow.exists():
        tvshow.write_text(
            '<?xml version="1.0" encoding="UTF-8"?>\n<tvshow>\n'
            f"  <title>{SERIES_NAME}</title>\n  <genre>Adventure</genre>\n  <genre>Drama</genre>\n"
            "  <studio>Mirage Pictures</studio>\n"
            "  <actor><name>Kai Moana</name><order>0</order></actor>\n</tvshow>\n",
            encoding="utf-8",
        )
    for number, title, plot in SERIES_EPISODES:
        path = season_dir / f"Desert.Tales.S01E{number:02d}.mp4"
        if not path.exists():
            render_clip(path, "desert", seconds=seconds, size=size, seed=100 + number)
        nfo = path.with_suffix(".nfo")
        if not nfo.exists():
            nfo.write_text(
                '<?xml version="1.0" encoding="UTF-8"?>\n<episodedetails>\n'
                f"  <title>{escape(title)}</title>\n  <showtitle>{SERIES_NAME}</showtitle>\n"
                f"  <season>1</season>\n  <episode>{number}</episode>\n  <plot>{escape(plot)}</plot>\n"
                "  <director>Theo Brandt</director>\n</episodedetails>\n",
                encoding="utf-8",
            )
        clips.append(path)
    return clips
