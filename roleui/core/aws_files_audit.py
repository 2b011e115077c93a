"""Is the AWS side of the user's files private? ~/.aws, the config and credentials files, and the Identity Center
token cache (~/.aws/sso/cache) that AWS CLI v2, botocore and roleui share.

roleui makes these directories 0700 when it creates them, but another tool (or an older one, or a umask of 000)
may have made them loose, and roleui does not silently change what it did not make. Another local user who can
write ~/.aws can put a `credential_process` into the config (a command run as you by the next SDK call), or swap
the token cache. So `roleui doctor` lists every such problem with the command that fixes it, and `roleui login`
warns in one line; token files themselves are refused when read (aws/sso_tokens.py).

Standard library only.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from roleui.core.paths import aws_config_path, sso_cache_dir
from roleui.core.private_files import problem_of


def aws_dir() -> Path:
    return Path("~/.aws").expanduser()


def aws_files() -> list[Path]:
    """The AWS files an SDK run as the user trusts (the config runs commands; the credentials are keys)."""
    credentials = Path(os.environ.get("AWS_SHARED_CREDENTIALS_FILE") or "~/.aws/credentials").expanduser()
    return [aws_config_path(), credentials]


def _owned_fix(path: Path, found: tuple[str, str]) -> tuple[str, str]:
    """For the user's own AWS files, taking them back is the fix for a foreign owner (not removing them)."""
    if found[0].startswith("is owned by another user"):
        import getpass
        import shlex

        return found[0], f"sudo chown {shlex.quote(getpass.getuser())} {shlex.quote(str(path))}"
    return found


def loose_aws_dir() -> tuple[Path, str, str] | None:
    """~/.aws's problem (writable by others, another user's, a symlink), or None (fine or absent)."""
    path = aws_dir()
    try:
        found = problem_of(path, os.lstat(path), directory=True)
    except OSError:
        return None
    if found is None:
        return None
    if found[0] == "is a symbolic link":
        try:  # a link to a directory of the user's own (dotfiles managers do this) is fine if the target is
            target = Path(os.path.realpath(path))
            if problem_of(target, os.lstat(target), directory=True) is None:
                return None
        except OSError:
            pass
    return (path, *_owned_fix(path, found))


def aws_problems() -> list[tuple[Path, str, str]]:
    """Every problem of ~/.aws, its config and credentials files, and the token cache: (path, problem, fix)."""
    problems: list[tuple[Path, str, str]] = []
    top = loose_aws_dir()
    if top is not None:
        problems.append(top)
    for path in aws_files():
        try:
            st = os.stat(path)  # a symlinked config (dotfiles) is fine: what it points to is judged
        except OSError:
            continue
        found = problem_of(path, st, directory=False)
        if found is not None:
            problems.append((path, *_owned_fix(path, found)))
    # The token cache: its directories and files must be yours and writable by nobody else (readable is the AWS
    # CLI's choice for the directories: the files themselves are 0600).
    cache = sso_cache_dir()
    for directory in (cache.parent, cache):
        try:
            found = problem_of(directory, os.lstat(directory), directory=True)
        except OSError:
            return problems
        if found is not None:
            problems.append((directory, *found))
            return problems  # a foreign or symlinked directory: what is inside is not for roleui to judge
    try:
        names = sorted(os.listdir(cache))
    except OSError:
        return problems
    for name in names:
        path = cache / name
        try:
            st = os.lstat(path)
        except OSError:
            continue
        found = problem_of(path, st, directory=stat.S_ISDIR(st.st_mode))
        if found is not None:
            problems.append((path, *found))
    return problems
