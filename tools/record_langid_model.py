"""Record the language-identification model that the py3langid wheel ships
(a runtime dependency; pyrec reads it from the installed wheel and checks it
against this record before use, see pyrec/features/language.py).

    python tools/record_langid_model.py          # pip download the pinned wheel, hash the model, update manifest.json
    python tools/record_langid_model.py --check  # only verify the manifest's record against the wheel

Needs PyPI access (``pip download``); nothing is copied into pyrec.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

MANIFEST = Path(__file__).resolve().parents[1] / "pyrec" / "models" / "manifest.json"
MODEL_ID = "py3langid"
VERSION = "0.4.0"  # pinned in pyproject.toml: the model is in the wheel
MODEL_FILE = "py3langid/data/model.npz.xz"


def wheel_model(work: Path) -> bytes:
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
                    "-d", str(work), f"{MODEL_ID}=={VERSION}"], check=True, capture_output=True)
    wheel = next(work.glob(f"{MODEL_ID}-{VERSION}-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        return archive.read(MODEL_FILE)


def entry_for(data: bytes) -> dict[str, object]:
    return {
        "use": "the language subtitle lines are written in (pyrec/features/language.py); a runtime dependency, "
               "read from the installed wheel, never copied into pyrec",
        "source": {"pypi": MODEL_ID, "version": VERSION,
                   "origin": "langid.py's naive Bayes language model (Lui & Baldwin; 97 languages), repackaged "
                             "as a compressed NumPy archive by the py3langid fork and shipped in its wheel"},
        "licence": "BSD-3-Clause",
        "files": {MODEL_FILE: {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="verify only; write nothing")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        entry = entry_for(wheel_model(Path(tmp)))
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    recorded = manifest.get("dependencies", {}).get(MODEL_ID)
    if args.check:
        same = recorded is not None and recorded["files"] == entry["files"]
        print(f"{MODEL_ID} {VERSION}: {'matches the manifest' if same else 'DIFFERS from the manifest'}")
        return 0 if same else 1
    manifest.setdefault("dependencies", {})[MODEL_ID] = entry  # merge: every other section is kept
    MANIFEST.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{MODEL_FILE}: {entry['files'][MODEL_FILE]}")  # type: ignore[index]
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
