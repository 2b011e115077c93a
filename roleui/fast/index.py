"""What the fast paths (quick_credentials.py, quick_list.py) share: naming an index entry after the request and
the environment, recognising a file that has not changed, and writing an entry atomically.

Standard library only, and its cheapest modules: these run before anything else in a `roleui` process.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs a fast path ~4 ms
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

_ENV_PREFIXES = ("AWS_", "ROLEUI_")
_ENV_NAMES = ("HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME")
# Where roleui's files are (core/user_dirs.py): all a listing of roles depends on besides the files.
LOCATION_NAMES = ("ROLEUI_CONFIG", "ROLEUI_CACHE_DIR", "AWS_CONFIG_FILE", "HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME")
MARKER = "ROLEUI_CREDENTIAL_PROCESS"  # set while a credential-process runs (loop guard); not part of any key


def read_own(path: str, limit: int = 1 << 20, *, map_over: int | None = None) -> bytes | None:
    """The bytes of `path` if it is the user's own regular file, not writable by others, not a symlink and at most
    `limit` bytes; else None (the normal path then decides, and refuses what is not private).

    A file over `map_over` bytes is mapped read-only instead of read (a `mmap`, which slices, finds and makes
    memoryviews as bytes do): a 200 MB list index is then not copied before the part asked for is written out."""
    import stat

    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.geteuid() or st.st_mode & 0o022 or st.st_size > limit:
            return None
        if map_over is not None and st.st_size > map_over:
            import mmap

            mapped: bytes = mmap.mmap(fd, 0, access=mmap.ACCESS_READ)  # type: ignore[assignment]
            return mapped
        data = os.read(fd, limit + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    return data if len(data) <= limit else None


def command_words(argv: Sequence[str], command: str) -> tuple[str | None, list[str]] | None:
    """(the --config value, the words from `command` on) when argv is `[--config P] COMMAND ...`, else None."""
    config: str | None = None
    words = list(argv)
    while words and words[0] != command:
        word = words.pop(0)
        if word == "--config" and words:
            config = words.pop(0)
        elif word.startswith("--config="):
            config = word.partition("=")[2]
        else:
            return None
    return (config, words) if words else None


def fingerprint(
    request: str, config: str | None, environ: Mapping[str, str], cwd: str, *, only: Sequence[str] | None = None
) -> str:
    """A hash of `request_key`: a file name for the entry."""
    return sha256_hex(request_key(request, config, environ, cwd, only=only).encode())[:40]


def sha256_hex(data: bytes) -> str:
    """hashlib.sha256(data).hexdigest() from CPython's builtin SHA-256 module: `hashlib` loads OpenSSL first, which
    costs a cache hit ~4 ms."""
    try:
        from _sha256 import sha256  # type: ignore[import-not-found,unused-ignore]  # Python 3.11
    except ImportError:
        try:
            from _sha2 import sha256  # type: ignore[import-not-found,no-redef,unused-ignore]  # Python 3.12 on
        except ImportError:
            from hashlib import sha256  # type: ignore[assignment,unused-ignore]
    digest: str = sha256(data).hexdigest()
    return digest


def request_key(
    request: str, config: str | None, environ: Mapping[str, str], cwd: str, *, only: Sequence[str] | None = None
) -> str:
    """The request and every environment variable that could change its answer (every AWS_* and ROLEUI_* one, or
    `only` these), as one string.

    The working directory counts only when the catalog path is relative (then it names another file elsewhere).
    """
    parts = [request, config or ""]
    if only is not None:
        parts += [f"{k}={environ[k]}" for k in only if k in environ]
    else:
        parts += sorted(
            f"{k}={v}" for k, v in environ.items() if (k.startswith(_ENV_PREFIXES) or k in _ENV_NAMES) and k != MARKER
        )
    relative = (config is not None and not os.path.isabs(config)) or not os.path.isabs(
        environ.get("ROLEUI_CONFIG", "/")
    )
    if relative:
        parts.append(cwd)
    return "\0".join(parts)
