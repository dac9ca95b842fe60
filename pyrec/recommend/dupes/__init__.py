"""Near-duplicate videos: the same content re-encoded, resized or trimmed.

Evidence is the set of keyframe perceptual hashes (64-bit DCT pHash; a
re-encode or resize flips only a few bits) compared with a tolerance on time
alignment (a trimmed copy has the same frames, shifted), plus optional
embedding cosine for videos whose keyframes were picked differently.
Candidates come from hash band pairs (pigeonhole: hashes within 2 bits agree
exactly on two of their four 16-bit bands) and from the embedding index, so
the work is far below all pairs. Groups are the connected components
(union-find); the best copy is the one with most pixels, then bitrate, then
duration.

The parts, one job each (a rework of detection replaces detect.py and what
it uses, and keeps the rest):

- items.py: the data types (DupeItem in, DupeGroup out)
- hashes.py: keyframe-hash helpers (informative hashes, hamming distances)
- candidates.py: candidate pairs (hash band index, embedding neighbours)
- verify.py: pairwise verification (aligned keyframe matches)
- detect.py: find_duplicates: candidates -> verification -> groups
- copies.py: groups over catalogue positions for serving (DupeIndex, group_of)
- store.py: groups kept in the library's settings, with a fingerprint
- in_library.py: detection input from a library; groups kept current
"""

from pyrec.recommend.dupes.candidates import candidate_pairs, embedding_pairs
from pyrec.recommend.dupes.copies import DupeIndex, group_of
from pyrec.recommend.dupes.detect import find_duplicates
from pyrec.recommend.dupes.hashes import hamming_matrix, informative
from pyrec.recommend.dupes.in_library import detect_in_library, library_groups, library_items
from pyrec.recommend.dupes.items import DupeGroup, DupeItem
from pyrec.recommend.dupes.store import (
    DETECTION_VERSION,
    GROUPS_SETTING,
    library_fingerprint,
    store_groups,
    stored_groups,
)
from pyrec.recommend.dupes.verify import match_fraction

__all__ = [
    "DETECTION_VERSION",
    "GROUPS_SETTING",
    "DupeGroup",
    "DupeIndex",
    "DupeItem",
    "candidate_pairs",
    "detect_in_library",
    "embedding_pairs",
    "find_duplicates",
    "group_of",
    "hamming_matrix",
    "informative",
    "library_fingerprint",
    "library_groups",
    "library_items",
    "match_fraction",
    "store_groups",
    "stored_groups",
]
