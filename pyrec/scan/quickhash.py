"""A quick content hash: the size plus a few sampled blocks.

Reading a whole film to recognise it after a rename would make rescans as slow
as first scans. Size + head + middle + tail blocks identifies a video file in
practice (containers differ in headers and index tables) at a cost of three
small reads, whatever the file's size.
"""

from __future__ import annotations

import hashlib
import os

BLOCK = 64 * 1024
SAMPLES = 3  # head, middle, tail


def quick_hash(path: str | os.PathLike[str], size: int | None = None) -> str:
    """Hex digest of size + sampled blocks. Raises OSError if unreadable."""
    digest = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as fh:
        if size is None:
            size = os.fstat(fh.fileno()).st_size
        digest.update(size.to_bytes(8, "little"))
        if size <= BLOCK * SAMPLES:
            digest.update(fh.read(size))
        else:
            for offset in (0, (size - BLOCK) // 2, size - BLOCK):
                fh.seek(offset)
                digest.update(fh.read(BLOCK))
    return digest.hexdigest()
