"""roleui's own directories and files, kept private: made 0700/0600 whatever the umask, refused when another
user could have replaced them.

The cache holds credentials (sessions/), and the world cache holds `mfa_process`, a command roleui runs. A
directory another local user owns or can write to, or a symlink planted where a directory should be, would let
that user read the sessions or run code as you. So every directory roleui makes is created 0700 (mkdir's mode
is filtered by the umask: chmod after), and every directory or file it trusts is checked: owned by the user, not
writable by group or others, not a symlink. A failed check is a one-line error (exit 2) that gives the command
which fixes it; `roleui doctor` lists them all.

Standard library only (`os`, `stat`): the fast doors may use it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from roleui.core.errors import UsageError

DIR_MODE = 0o700
FILE_MODE = 0o600
MAX_CACHE_BYTES = 64 * 1024 * 1024  # an organization of 50,000 accounts stays far below this
MAX_SMALL_BYTES = 1024 * 1024  # session files, indexes, favourites


class UnsafePathError(UsageError):
    """A directory or file roleui would trust is not private to the user."""

    def __init__(self, path: Path | str, problem: str, fix: str) -> None:
        self.path = str(path)
        self.problem = problem
        self.fix = fix
        super().__init__(f"{problem}: {path} — roleui will not use it; fix with `{fix}` (see `roleui doctor`)")


def _quote(path: Path | str) -> str:
    import shlex

    return shlex.quote(str(path))


def problem_of(path: Path | str, st: os.stat_result, *, directory: bool) -> tuple[str, str] | None:
    """(problem, fixing command) when `st` (from lstat) is not private to the user, else None."""
    if stat.S_ISLNK(st.st_mode):
        return "is a symbolic link", f"rm {_quote(path)}"
    if directory and not stat.S_ISDIR(st.st_mode):
        return "is not a directory", f"rm {_quote(path)}"
    if not directory and not stat.S_ISREG(st.st_mode):
        return "is not a regular file", f"rm {_quote(path)}"
    if hasattr(os, "geteuid") and st.st_uid != os.geteuid():
        return f"is owned by another user (uid {st.st_uid})", f"rm -r {_quote(path)}"
    if st.st_mode & 0o022:
        mode = DIR_MODE if directory else FILE_MODE
        return "is writable by other users", f"chmod {mode:o} {_quote(path)}"
    return None


def private_dir(path: Path) -> Path:
    """`path` as a private directory: made (with any missing parents) 0700 regardless of the umask, or checked
    when it exists. UnsafePathError when it is a symlink, not the user's, or writable by others."""
    missing: list[Path] = []
    probe = path
    while not os.path.lexists(probe):
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    for directory in reversed(missing):
        try:
            os.mkdir(directory, DIR_MODE)
        except FileExistsError:
            pass  # another roleui made it first: it is checked below like any existing directory
        else:
            os.chmod(directory, DIR_MODE)  # mkdir's mode is filtered by the umask; this is not
    found = problem_of(path, os.lstat(path), directory=True)
    if found is not None:
        raise UnsafePathError(path, *found)
    return path


def write_private(path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically, mode 0600, in a private directory (made or checked as `private_dir`): a
    reader sees the old file or the new one, never half. OSError when it cannot be written."""
    import tempfile  # only writers need it; readers start faster without

    private_dir(path.parent)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")  # mode 0600
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def check_private_dir(path: Path) -> None:
    """UnsafePathError when `path` exists and is not a private directory of the user's (missing is fine)."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    found = problem_of(path, st, directory=True)
    if found is not None:
        raise UnsafePathError(path, *found)


def check_private_file(path: Path | str, fd: int) -> None:
    """UnsafePathError when the open file `fd` (of `path`) is not the user's own, or others can write it."""
    found = problem_of(path, os.fstat(fd), directory=False)
    if found is not None:
        raise UnsafePathError(path, *found)


def read_private(path: Path | str, limit: int = MAX_SMALL_BYTES) -> bytes:
    """The bytes of the user's own file `path` (never through a symlink), at most `limit` of them.

    OSError when it cannot be read (missing: FileNotFoundError), UnsafePathError when it is not private, and
    ValueError when it is larger than `limit` (a damaged or hostile file is not parsed at all)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    try:
        check_private_file(path, fd)
        data = os.read(fd, limit + 1)
        chunks = [data]
        total = len(data)
        while data and total <= limit:
            data = os.read(fd, limit + 1 - total)
            chunks.append(data)
            total += len(data)
    finally:
        os.close(fd)
    if total > limit:
        raise ValueError(f"{path} is larger than {limit} bytes")
    return b"".join(chunks)


def read_limited(path: Path | str, limit: int) -> bytes:
    """At most `limit` bytes of any readable file (a catalog, /dev/zero by mistake); ValueError when larger."""
    with open(path, "rb") as f:
        data = f.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"{path} is larger than {limit} bytes")
    return data


def audit(paths: list[Path]) -> list[tuple[Path, str, str]]:
    """Every problem in roleui's directories `paths` and everything under them: (path, problem, fix)."""
    found: list[tuple[Path, str, str]] = []
    for top in paths:
        try:
            st = os.lstat(top)
        except FileNotFoundError:
            continue
        problem = problem_of(top, st, directory=True)
        if problem is not None:
            found.append((top, *problem))
            if not problem[0].startswith("is writable"):
                continue  # a symlink or another user's directory: nothing under it is ours to judge
        elif st.st_mode & 0o077:
            found.append((top, "is readable by other users", f"chmod 700 {_quote(top)}"))
        for root, dirs, files in os.walk(top):
            for name in dirs + files:
                path = Path(root) / name
                try:
                    st = os.lstat(path)
                except OSError:
                    continue
                problem = problem_of(path, st, directory=stat.S_ISDIR(st.st_mode))
                if problem is not None:
                    found.append((path, *problem))
            # Do not descend into what was just reported (a symlinked or foreign directory).
            dirs[:] = [d for d in dirs if not any(p == Path(root) / d for p, _, _ in found)]
    return found
