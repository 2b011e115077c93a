"""Whether a catalog may carry commands: one another local user owns or can change may not.

`mfa_process` is a command roleui runs as you. A catalog another user owns (named by ROLEUI_CONFIG or --config,
or reached through a symlink at the default path), or one in a directory another user can write (they could
swap the file), would let that user run code as you. Such a catalog is still read when it carries no command
(a shared, read-only list of accounts is fine); with a command it is refused with one line, and `roleui doctor`
reports it. Files owned by root are trusted: root can run anything as you anyway.

Standard library only.
"""

from __future__ import annotations

import os
import shlex
import stat
from pathlib import Path

from roleui.core.errors import ConfigError
from roleui.core.models import Catalog


def commands_in(catalog: Catalog) -> list[str]:
    """The keys of `catalog` that hold a command roleui would run."""
    return ["mfa_process"] if catalog.defaults.mfa_process else []


def _trusted_owner(uid: int) -> bool:
    return not hasattr(os, "geteuid") or uid in (os.geteuid(), 0)


def untrusted_because(path: Path | str) -> tuple[str, str] | None:
    """(why, fix) when the file at `path` (symlinks followed) or its directory is another user's or writable by
    others; None when only the user (or root) can change it."""
    real = Path(os.path.realpath(path))
    try:
        st = os.stat(real)
        parent = os.stat(real.parent)
    except OSError:
        return None  # unreadable: loading says so
    quoted = shlex.quote(str(real))
    if not _trusted_owner(st.st_uid):
        return (
            f"is owned by another user (uid {st.st_uid})",
            f"copy it to a file of your own: cp {quoted} ~/.config/roleui/config.toml",
        )
    if st.st_mode & 0o022:
        return "is writable by other users", f"chmod go-w {quoted}"
    if not _trusted_owner(parent.st_uid) or (parent.st_mode & 0o022 and not parent.st_mode & stat.S_ISVTX):
        where = shlex.quote(str(real.parent))
        return (
            f"is in {real.parent}, a directory other users can change",
            f"move it to a directory of your own, or chmod go-w {where}",
        )
    return None


def refuse_foreign_commands(path: Path | str, catalog: Catalog) -> None:
    """ConfigError (one line) when `catalog`, read from `path`, carries a command and the file is not the user's
    alone. Checked where the catalog is parsed, and again whenever a world made from it is taken from the world
    cache: the file's owner and mode can change without its content (and so its cache entry) changing."""
    keys = commands_in(catalog)
    found = untrusted_because(path) if keys else None
    if found is not None:
        from roleui.core.problems import Problem

        why, fix = found
        problem = f"{why} and holds {', '.join(keys)}, a command roleui would run as you"
        raise ConfigError([Problem(str(path), 0, "", problem, f"roleui will not use it; {fix}")])
