"""What duplicate detection reads (`DupeItem`, one per video) and what it
finds (`DupeGroup`, the copies of one video). Data types only."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class DupeItem:
    video_id: int
    hashes: np.ndarray  # int64 keyframe pHashes
    times: np.ndarray  # float seconds of each keyframe
    duration: float = 0.0
    width: int = 0
    height: int = 0
    size: int = 0  # bytes
    embedding: np.ndarray | None = None  # unit-length video embedding
    damaged: bool = False  # truncated: plays less than its claimed duration
    frames: np.ndarray | None = None  # uint8 [n, 256] dense 16x16 grey grids (pyrec.features.framegrid)
    step: float = 0.0  # seconds between dense grids
    detail: float | None = None  # share of contrast in the top octave (an upscale has ~none)
    codec: str = ""
    fps: float = 0.0
    audio: np.ndarray | None = None  # uint32 audio fingerprint codes (pyrec.features.audioprint), 0 = silent
    audio_step: float = 0.0  # seconds between audio codes
    bit_depth: int = 8  # bits per colour sample of the video stream
    hdr: bool = False  # PQ or HLG transfer

    @property
    def bitrate(self) -> float:
        return 8.0 * self.size / self.duration if self.duration > 0 else 0.0

    @property
    def pixels(self) -> int:
        return self.width * self.height


@dataclass
class DupeGroup:
    video_ids: list[int]
    best: int  # suggested copy to keep
    pairs: list[tuple[int, int, float]] = field(default_factory=list)  # (a, b, evidence 0..1)
    id: int | None = None  # the stored group's id (None until stored)
    dismissed: bool = False  # the user said these are not copies to clean up
    kind: str = "copies"  # "edits": the same footage with different sound, not copies to clean up
    why: str = ""  # what sets the best copy apart, in words ("the 1280x720 copy is an upscale (no finer detail)")

    @property
    def key(self) -> str:
        """The members, as stored: a dismissal holds while they are unchanged."""
        return ",".join(str(v) for v in sorted(self.video_ids))

    def to_json(self) -> dict[str, object]:
        return {"id": self.id, "video_ids": self.video_ids, "best": self.best, "kind": self.kind, "why": self.why,
                "pairs": [{"a": a, "b": b, "evidence": round(e, 4)} for a, b, e in self.pairs]}
