"""Meaning search over passages of moments: speed, size and the floor.

    python benchmarks/bench_moment_search.py              # all three parts
    python benchmarks/bench_moment_search.py --part speed --n 200000
    python benchmarks/bench_moment_search.py --part embed  # a 2-hour film's ~1,500 cues
    python benchmarks/bench_moment_search.py --part calibrate

speed: one query against n passage vectors (384-d, MiniLM's size), the
  search service's path (`PassageIndex.best_per_video`: C++ VectorIndex top
  1,000, then each video's best) against NumPy brute force (X @ q, then each
  video's best with np.maximum.at); median ms and the ratio.
embed: a 2-hour film's ~1,500 subtitle cues embedded as passages (what the
  scan does) against one vector per cue: seconds, rows, library bytes.
size: a real library file of 50 such films, before and after their
  passages; store, "what is missing" and load times.
calibrate: cosines of paraphrase queries (none of the words of the line)
  against the passages of the line they mean (related), against every other
  passage (unrelated), and of nonsense queries against all: what
  `recommend/search.py`'s PASSAGE_FLOOR is set from.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable

import numpy as np

from pyrec.features.passages import embed_passages, group_passages
from pyrec.features.text import default_text_encoder
from pyrec.recommend.passages import PassageIndex
from pyrec.recommend.vectors import core_index
from pyrec.records import Moment

# Scenes as subtitle lines (6 s apart: one passage per scene), each with two
# paraphrase queries sharing none of its content words.
SCENES: list[tuple[list[str], list[str]]] = [
    (["The lighthouse keeper climbs the stairs.", "A storm is coming in from the west.",
      "Ships pass the lighthouse at night."],
     ["the man who keeps the light saw bad weather coming", "a gale approaching the beacon tower"]),
    (["Add two eggs and whisk them with the flour.", "The oven should be hot before the cake goes in."],
     ["baking a sponge in the kitchen", "mixing batter for dessert"]),
    (["He shoots from the edge of the box!", "Goal! The keeper never saw it coming.", "One nil to the visitors."],
     ["a striker scores in the football match", "the away team takes the lead"]),
    (["All rise. The court is now in session.", "The witness will answer the question.",
      "Objection, your honour, that is hearsay."],
     ["a trial with a judge and a lawyer", "testimony in front of a jury"]),
    (["Ten seconds to ignition.", "Main engines running. Lift-off!", "The rocket clears the tower."],
     ["a spacecraft launch countdown", "astronauts leave earth"]),
    (["Nurse, his pulse is dropping.", "Get the defibrillator, we are losing him.", "Clear!"],
     ["doctors fight to save a patient in the emergency room", "a heart stops in hospital"]),
    (["The tide comes in twice a day.", "Every wave carries salt and light."],
     ["the sea rises and falls along the shore", "ocean water on the coast"]),
    (["Welcome to the harbour market.", "Fresh cod, herring, prawns this morning!"],
     ["fishmongers selling the catch at the docks", "buying seafood at a quayside stall"]),
    (["The stock fell twelve percent after the report.", "Investors are selling their shares."],
     ["a crash on the financial exchange", "traders panic as prices tumble"]),
    (["Mind the gap. This train terminates here.", "Change here for the northern line."],
     ["an announcement on the underground railway", "commuters on the metro"]),
    (["The wolves are howling on the ridge.", "Keep the fire burning until dawn."],
     ["wild animals calling in the mountains at night", "camping in the wilderness scared of predators"]),
    (["I love you. I always have.", "Then why did you leave me?"],
     ["a couple argue about their romance", "a lover's heartbreak"]),
]
UNRELATED = ["tax return spreadsheet", "how to fix a flat bicycle tyre", "quarterly sales figures",
             "knitting a wool scarf", "installing a printer driver"]
NONSENSE = ["qwxz zzkj", "asdf ghjk lmnop", "zzzz", "blorft quandle mib", "xkcd 927 foo"]


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return 1000 * statistics.median(times)


def numpy_best_per_video(x: np.ndarray, video_ids: np.ndarray, n_videos: int, q: np.ndarray) -> np.ndarray:
    sims = x @ q
    best = np.full(n_videos, -np.inf, np.float32)
    np.maximum.at(best, video_ids, sims)
    return best


def part_speed(n: int, repeat: int) -> None:
    rng = np.random.default_rng(0)
    per_film = 300  # a 2-hour film's passages
    x = rng.standard_normal((n, 384)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    video_ids = np.arange(n, dtype=np.int64) // per_film
    q = x[123] + 0.1 * rng.standard_normal(384).astype(np.float32)
    q /= np.linalg.norm(q)
    t = time.perf_counter()
    index = PassageIndex(np.arange(n), video_ids, x, factory=core_index)
    build = time.perf_counter() - t
    core = median_ms(lambda: index.best_per_video(q), repeat)
    brute = median_ms(lambda: numpy_best_per_video(x, video_ids, int(video_ids.max()) + 1, q), repeat)
    got = index.best_per_video(q)
    truth = numpy_best_per_video(x, video_ids, int(video_ids.max()) + 1, q)
    top = int(np.argmax(truth))
    print(f"\n{n:,} passages x 384 (~{n // per_film:,} films of {per_film}), one query, median of {repeat}")
    print("| path | ms | ratio |\n|---|---|---|")
    print(f"| PassageIndex (C++ VectorIndex top 1,000 + best per video) | {core:.2f} | 1.0 |")
    print(f"| NumPy brute force (X @ q + maximum.at per video) | {brute:.2f} | {brute / core:.1f}x slower |")
    print(f"index build {build:.2f} s (once per search session); best video agrees: {top in got and abs(got[top].cosine - truth[top]) < 1e-4}")


def film_cues(count: int = 1500, seconds: float = 7200.0) -> list[Moment]:
    rng = random.Random(1)
    words = ("the of and to a in is you that it he was for on are as with his they at be this have from or one had "
             "by word but not what all were we when your can said there use an each which she do how their if will "
             "up other about out many then them these so some her would make like him into time has look two more "
             "write go see number no way could people my than first water been call who oil its now find long down "
             "day did get come made may part ship storm light keeper night harbour").split()
    step = seconds / count
    return [Moment(i * step, i * step + min(step, 3.0), "subtitle",
                   " ".join(rng.choice(words) for _ in range(rng.randint(3, 9))).capitalize() + ".")
            for i in range(count)]


def part_embed() -> None:
    encoder = default_text_encoder()
    encoder.encode(["warm up"])
    cues = film_cues()
    t = time.perf_counter()
    passages = group_passages(cues)
    vectors = embed_passages(passages, encoder)
    as_passages = time.perf_counter() - t
    t = time.perf_counter()
    per_cue = encoder.encode([c.text for c in cues])
    as_cues = time.perf_counter() - t
    row = 4 * vectors.shape[1] + 80  # vector + key, times, model id; text on top
    text_p = sum(len(p.text) for p in passages)
    print(f"\na 2-hour film, {len(cues):,} subtitle cues ({sum(len(c.text) for c in cues):,} characters)")
    print("| unit | rows | embed s | library bytes (vectors + text) |\n|---|---|---|---|")
    print(f"| passages (scan) | {len(passages):,} | {as_passages:.2f} | {len(passages) * row + text_p:,} |")
    print(f"| one vector per cue | {len(per_cue):,} | {as_cues:.2f} | "
          f"{len(per_cue) * row + sum(len(c.text) for c in cues):,} |")


def part_size(films: int = 50) -> None:
    """Real SQLite: a library of ``films`` 2-hour films' moments, then their
    passages stored through the library (migration 12's table and triggers)."""
    import os
    import sqlite3
    import tempfile

    from pyrec.library import Library

    cues = film_cues()
    passages = group_passages(cues)
    vectors = np.random.default_rng(0).standard_normal((len(passages), 384)).astype(np.float32)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "size.sqlite")
        with Library.open(path):
            pass
        conn = sqlite3.connect(path, isolation_level=None)  # the benchmark seeds rows the way a scan leaves them
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO videos (id, path, size, mtime_ns, quick_hash, status, added_at, updated_at, "
                         "title, plot, media_type, stats) VALUES (?, ?, 1, 1, 'q', 'ok', 0, 0, 't', '', '', '{}')",
                         [(v, f"/films/{v}.mkv") for v in range(1, films + 1)])
        t = time.perf_counter()
        conn.executemany('INSERT INTO moments (video_id, start, "end", kind, text, language) VALUES (?, ?, ?, ?, ?, ?)',
                         [(v, c.start, c.end, c.kind, c.text, "eng") for v in range(1, films + 1) for c in cues])
        conn.execute("COMMIT")
        insert = time.perf_counter() - t
        conn.execute("VACUUM")
        conn.close()
        before = os.path.getsize(path)
        with Library.open(path) as lib:
            t = time.perf_counter()
            for v in range(1, films + 1):
                _, stamp = lib.moments_to_group(v, "subtitle")
                lib.store_passages(v, "subtitle", stamp, passages, vectors, "minilm-l6-v2/text")
            store = time.perf_counter() - t
            t = time.perf_counter()
            lib.passage_todo("minilm-l6-v2/text")
            todo = time.perf_counter() - t
            t = time.perf_counter()
            loaded = lib.passage_vectors("minilm-l6-v2/text")
            load = time.perf_counter() - t
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("VACUUM")
        conn.close()
        after = os.path.getsize(path)
    print(f"\nlibrary of {films} 2-hour films ({len(cues):,} cues, {len(passages)} passages each), real SQLite")
    print("| what | value |\n|---|---|")
    print(f"| file with moments (+ FTS) | {before / 1e6:.1f} MB ({before / films / 1e3:.0f} KB per film) |")
    print(f"| file with passages too | {after / 1e6:.1f} MB (+{(after - before) / films / 1e3:.0f} KB per film) |")
    print(f"| storing one film's passages | {1000 * store / films:.1f} ms |")
    print(f"| moments insert (FTS + passage triggers) per film | {1000 * insert / films:.1f} ms |")
    print(f"| 'what is missing' at the end of a scan (nothing) | {1000 * todo:.1f} ms |")
    print(f"| loading every passage vector ({loaded.ids.size:,}) for a search session | {load:.2f} s |")


def part_calibrate() -> None:
    encoder = default_text_encoder()
    moments = [Moment(60.0 * s + 3.0 * i, 60.0 * s + 3.0 * i + 2.5, "subtitle", line)
               for s, (lines, _) in enumerate(SCENES) for i, line in enumerate(lines)]
    passages = group_passages(moments)
    assert len(passages) == len(SCENES), [p.text for p in passages]
    pv = embed_passages(passages, encoder)
    related: list[float] = []
    unrelated: list[float] = []
    best_of_unrelated: list[float] = []
    for s, (_, queries) in enumerate(SCENES):
        sims = pv @ encoder.encode(queries).T  # [passages, queries]
        related += sims[s].tolist()
        unrelated += np.delete(sims, s, axis=0).ravel().tolist()
    off = encoder.encode(UNRELATED + NONSENSE)
    off_sims = pv @ off.T
    best_of_unrelated = off_sims.max(axis=0).tolist()
    r, u = np.array(related), np.array(unrelated)
    print(f"\n{len(SCENES)} scenes as passages, {len(related)} paraphrase queries")
    print(f"related (query vs its scene): min {r.min():.3f} p10 {np.percentile(r, 10):.3f} "
          f"median {np.median(r):.3f}")
    print(f"unrelated (query vs other scenes): median {np.median(u):.3f} p90 {np.percentile(u, 90):.3f} "
          f"p95 {np.percentile(u, 95):.3f} p99 {np.percentile(u, 99):.3f} max {u.max():.3f}")
    print("best passage of off-topic / nonsense queries: "
          + ", ".join(f"{q!r} {v:.3f}" for q, v in zip(UNRELATED + NONSENSE, best_of_unrelated)))
    for floor in (0.3, 0.32, 0.35, 0.4, 0.45):
        kept = int((r >= floor).sum())
        print(f"floor {floor}: keeps {kept}/{r.size} related, {int((u >= floor).sum())}/{u.size} unrelated, "
              f"{sum(v >= floor for v in best_of_unrelated)}/{len(best_of_unrelated)} off-topic/nonsense queries")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--part", choices=("speed", "embed", "size", "calibrate", "all"), default="all")
    parser.add_argument("--n", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    if args.part in ("calibrate", "all"):
        part_calibrate()
    if args.part in ("embed", "all"):
        part_embed()
    if args.part in ("size", "all"):
        part_size()
    if args.part in ("speed", "all"):
        part_speed(args.n, args.repeat)


if __name__ == "__main__":
    main()
