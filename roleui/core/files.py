"""Small file primitives the indexes and caches share: recognising a file that has not changed, and writing one
atomically.

Standard library only, and its cheapest module (`os`): the fast doors (roleui/fast) import this before anything else.
"""

from __future__ import annotations

import os


def file_identity(path: str) -> str:
    """(mtime, size, inode) of a file, or "-" when it does not exist: a changed file changes at least one."""
    try:
        st = os.stat(path)
    except OSError:
        return "-"
    return f"{st.st_mtime_ns}:{st.st_size}:{st.st_ino}"


def write_atomic(path: str, data: bytes) -> None:
    """Write `data` to `path` (0600, parent made 0700) through a temporary file; errors are ignored: an index is
    only an optimisation, and the next call takes the normal path."""
    from pathlib import Path

    from roleui.core.private_files import UnsafePathError, write_private

    try:
        write_private(Path(path), data)
    except (UnsafePathError, OSError):
        return  # not ours to write into (the normal path keeps refusing it with the fix), or not writable
