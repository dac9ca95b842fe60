"""What duplicate detection reads and finds: dense frame grids per video,
and the duplicate groups with the user's dismissals."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence

import numpy as np

from pyrec.library.base import LibraryBase
from pyrec.library.codec import clean_text
from pyrec.library.rows import DupeGroupRow
from pyrec.records import FrameGrids

FINGERPRINT_SETTING = "recommend.duplicate_fingerprint"


def members_key(video_ids: Sequence[int]) -> str:
    return ",".join(str(int(v)) for v in sorted(video_ids))


class DuplicateStore(LibraryBase):
    def all_frame_grids(self, status: str = "ok") -> dict[int, FrameGrids]:
        """video_id -> its dense 16x16 grey grids (and audio fingerprint) for videos that have them."""
        with self._read() as conn:
            rows = conn.execute("SELECT f.video_id, f.step, f.grids, f.audio_step, f.audio FROM frame_grids f "
                                "JOIN videos v ON v.id = f.video_id WHERE v.status = ?", (status,)).fetchall()
        return {int(v): FrameGrids(float(step), np.frombuffer(blob, np.uint8).reshape(-1, 256), float(audio_step),
                                   None if not audio or len(audio) % 4 else np.frombuffer(audio, "<u4").astype(np.uint32))
                for v, step, blob, audio_step, audio in rows if blob and len(blob) % 256 == 0}

    def dupe_groups(self, *, dismissed: bool | None = False) -> tuple[str | None, list[DupeGroupRow]]:
        """(fingerprint of the library they were found in, groups); `dismissed`
        None = all, False = the ones to show, True = the dismissed ones."""
        where = "" if dismissed is None else f" WHERE dismissed = {int(dismissed)}"
        with self._read() as conn:
            row = conn.execute("SELECT value FROM settings WHERE key = ?", (FINGERPRINT_SETTING,)).fetchone()
            rows = conn.execute(f"SELECT id, members, best, pairs, dismissed, kind, why FROM dupe_groups{where} "
                                "ORDER BY id").fetchall()
        groups = [DupeGroupRow(int(i), [int(v) for v in m.split(",")], int(b),
                               [(int(a), int(c), float(e)) for a, c, e in json.loads(p)], bool(d), str(k), str(w))
                  for i, m, b, p, d, k, w in rows]
        return (None if row is None else str(row[0])), groups

    def replace_dupe_groups(self, fingerprint: str,
                            groups: Sequence[tuple[Sequence[int], int, Sequence[tuple[int, int, float]], str, str]]
                            ) -> None:
        """The groups found now, as (members, best, pairs, kind, why). A group whose members
        are exactly those of a stored group keeps its id and its dismissal;
        the other undismissed groups go."""
        now = time.time()
        keys = [members_key(m) for m, *_ in groups]
        with self._write() as conn:
            marks = ",".join("?" * len(keys))
            conn.execute(f"DELETE FROM dupe_groups WHERE dismissed = 0 AND members NOT IN ({marks})", keys)
            conn.executemany(
                "INSERT INTO dupe_groups (members, best, pairs, found_at, kind, why) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (members) DO UPDATE SET best = excluded.best, pairs = excluded.pairs, "
                "found_at = excluded.found_at, kind = excluded.kind, why = excluded.why",
                [(k, int(best), json.dumps([[int(a), int(b), round(float(e), 4)] for a, b, e in pairs]), now, kind,
                  clean_text(why)) for k, (_, best, pairs, kind, why) in zip(keys, groups, strict=True)])
            conn.execute("INSERT INTO settings (key, value) VALUES (?, ?) "
                         "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (FINGERPRINT_SETTING, fingerprint))

    def dismiss_dupe_group(self, group_id: int, dismissed: bool = True) -> bool:
        """Mark a group as not copies to clean up (or undo that); False if there is no such group."""
        with self._write() as conn:
            cur = conn.execute("UPDATE dupe_groups SET dismissed = ? WHERE id = ?", (int(dismissed), int(group_id)))
            return cur.rowcount == 1
