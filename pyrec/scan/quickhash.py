"""A quick content hash: the size plus a few sampled blocks.

Reading a whole film to recognise it after a rename would make rescans as slow
as first scans. Size + head + middle + tail blocks identifies a video file in
practice (containers differ in headers and index tables) at a cost of three
small reads, whatever the file's size.
"""

from __future__ import annotations

import errno
import hashlib
import io
import os
import stat

BLOCK = 64 * 1024
SAMPLES = 3  # head, middle, tail


def open_regular(path: str | os.PathLike[str]) -> io.BufferedReader:
    """Open a regular file for reading, or raise OSError.

    A path the walker saw as a file can be swapped for a named pipe or a
    device before it is read; a plain open() of a FIFO blocks forever, so
    open without blocking and refuse anything that is not a regular file."""
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", os.fspath(path))
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)  # regular files never block; restore normal reads
        return open(fd, "rb", closefd=True)
    except BaseException:
        os.close(fd)
        raise


def quick_hash(path: str | os.PathLike[str], size: int | None = None) -> str:
    """Hex digest of size + sampled blocks. Raises OSError if unreadable or
    not a regular file."""
    digest = hashlib.blake2b(digest_size=16)
    with open_regular(path) as fh:
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
