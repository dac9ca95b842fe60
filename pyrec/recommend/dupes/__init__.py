"""Near-duplicate videos: the same content re-encoded, resized or trimmed.

Evidence is dense frame grids (a 16x16 grey picture every 0.1 s or more)
aligned in time over the overlap, an offset allowed (a trim, an added
intro), durations consistent with it, and the same motion part by part;
videos without grids (too long or heavy to decode whole: see
pyrec.features.framegrid) fall back on keyframe pHashes, and only when 30 s
or longer with 5+ keyframes. Candidates come from exact hash bands and from
the embedding index, so the work is far below all pairs; embedding cosine
never makes a duplicate by itself. Group members are verified against the
group's reference or pairwise (no chaining); the best copy is intact,
complete, of real detail (an upscale is not), then bits per pixel.

The parts, one job each (a rework of detection replaces detect.py and what
it uses, and keeps the rest):

- items.py: the data types (DupeItem in, DupeGroup out)
- hashes.py: keyframe-hash helpers (informative hashes, hamming distances)
- candidates.py: candidate pairs (hash band index, embedding neighbours)
- align.py: same recording? dense frame grids aligned in time (trims, intros),
  every offset at once (the differing-cells matrix in the core: pyrec.core.grids)
- views.py: other alignments to try: a playback rate (voted by matched
  frames) and centre crops
- sound.py: does the sound agree where the pictures align? (else: another edit)
- verify.py: keyframe verification, for videos without frame grids
- grouping.py: groups around a verified reference, or pairwise verified (no
  chaining); two videos whose sound differs never share a copies group
- best.py: the copy to keep (intact, complete, real detail, HDR / bit depth, bits per pixel)
- detect.py: find_duplicates: candidates -> verification -> groups
- copies.py: groups over catalogue positions for serving (DupeIndex, group_of)
- store.py: groups kept in the library's dupe_groups table, with dismissals
- in_library.py: detection input from a library; groups kept current
"""

from pyrec.recommend.dupes.align import Verdict, same_recording, verdict
from pyrec.recommend.dupes.best import best_copy
from pyrec.recommend.dupes.candidates import candidate_pairs, dense_pairs, embedding_pairs
from pyrec.recommend.dupes.copies import DupeIndex, group_of
from pyrec.recommend.dupes.detect import find_duplicates, verify_pair
from pyrec.recommend.dupes.grouping import cliques, groups_of
from pyrec.recommend.dupes.hashes import hamming_matrix, informative
from pyrec.recommend.dupes.in_library import detect_in_library, library_groups, library_items
from pyrec.recommend.dupes.items import DupeGroup, DupeItem
from pyrec.recommend.dupes.store import (
    DETECTION_VERSION,
    dismiss_group,
    library_fingerprint,
    store_groups,
    stored_groups,
)
from pyrec.recommend.dupes.verify import match_fraction

__all__ = [
    "DETECTION_VERSION",
    "DupeGroup",
    "DupeIndex",
    "DupeItem",
    "Verdict",
    "best_copy",
    "candidate_pairs",
    "cliques",
    "groups_of",
    "dense_pairs",
    "dismiss_group",
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
    "same_recording",
    "verdict",
    "store_groups",
    "stored_groups",
    "verify_pair",
]
