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


def make_missing_dirs(path: Path) -> None:
    """Make `path` and its missing parents, each 0700 whatever the umask (existing ones are left as they are)."""
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
            pass  # another roleui made it first: the caller checks it like any existing directory
        else:
            os.chmod(directory, DIR_MODE)  # mkdir's mode is filtered by the umask; this is not


def private_dir(path: Path) -> Path:
    """`path` as a private directory: made (with any missing parents) 0700 regardless of the umask, or checked
    when it exists. UnsafePathError when it is a symlink, not the user's, or writable by others."""
    make_missing_dirs(path)
    found = problem_of(path, os.lstat(path), directory=True)
    if found is not None:
        raise UnsafePathError(path, *found)
    return path


# os.replace takes directory descriptors wherever os.rename does (renameat), though supports_dir_fd lists only rename.
_DIR_FDS = os.open in os.supports_dir_fd and os.rename in os.supports_dir_fd and hasattr(os, "O_DIRECTORY")
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def write_private(path: Path, data: bytes) -> None:
    """THE way roleui writes a file: `data` to `path` atomically, mode 0600, in a private directory.

    The directory is made 0700 (whatever the umask) or checked, then opened without following a symlink and
    checked again through its descriptor (owned by the user, writable by nobody else), and everything after is
    relative to that descriptor: a directory swapped in meanwhile is never written into. The temporary file has a
    random name and is created exclusively (O_EXCL, O_NOFOLLOW: a planted file or symlink makes it fail, never
    followed), written, fsynced and renamed over `path`: a reader sees the old file or the new one, never half.
    UnsafePathError when the directory is not private; OSError when the file cannot be written."""
    private_dir(path.parent)
    temp = f".{path.name}.{os.urandom(8).hex()}.tmp"
    if not _DIR_FDS:  # Windows: no directory descriptors; the checked path is the best there is
        _write_new(os.open(path.parent / temp, _CREATE, FILE_MODE), data, path.parent / temp)
        try:
            os.replace(path.parent / temp, path)
        except BaseException:
            Path(path.parent / temp).unlink(missing_ok=True)
            raise
        return
    directory = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY | _NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
    try:
        found = problem_of(path.parent, os.fstat(directory), directory=True)
        if found is not None:
            raise UnsafePathError(path.parent, *found)
        _write_new(os.open(temp, _CREATE, FILE_MODE, dir_fd=directory), data, temp, directory)
        try:
            os.replace(temp, path.name, src_dir_fd=directory, dst_dir_fd=directory)  # renameat: atomic
        except BaseException:
            with _suppress_os_error():
                os.unlink(temp, dir_fd=directory)
            raise
    finally:
        os.close(directory)


def _write_new(fd: int, data: bytes, name: Path | str, directory: int | None = None) -> None:
    """Write all of `data` to the fresh file `fd` and fsync it; the file is removed when that fails."""
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        with _suppress_os_error():
            if directory is not None:
                os.unlink(name, dir_fd=directory)
            else:
                os.unlink(name)
        raise
    os.close(fd)


class _suppress_os_error:  # contextlib costs the fast doors an import
    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, value: object, traceback: object) -> bool:
        return isinstance(value, OSError)


def create_private(path: Path, data: bytes) -> None:
    """Write `data` to a NEW file `path` (0600; missing parents made 0700): FileExistsError when anything, a
    symlink included, is already there: a file that appeared is never written over nor followed."""
    make_missing_dirs(path.parent)
    _write_new(os.open(path, _CREATE, FILE_MODE), data, path)


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
    ValueError when it is larger than `limit` (a damaged or hostile file is not parsed at all). The directory it is
    in must be private too: in a directory others can write, the file could be swapped after it was checked."""
    check_private_dir(Path(os.path.dirname(os.path.abspath(path))))
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        if os.path.islink(path):  # O_NOFOLLOW's ELOOP: a symlink planted where the file should be
            raise UnsafePathError(path, "is a symbolic link", f"rm {_quote(path)}") from error
        raise
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
