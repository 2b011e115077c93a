"""`roleui doctor`: are roleui's own directories private? Lists loose permissions, foreign owners and symlinks in
the cache (sessions, indexes, the world and organization caches), the data dir, the catalog's directory, and the
AWS files roleui shares (~/.aws, its config and credentials, the Identity Center token cache), each with the
command that fixes it. Exit 0 when all is well, 2 when something needs fixing. No AWS call.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from pathlib import Path

from roleui.core.errors import EXIT_OK, EXIT_USAGE


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sub.add_parser(
        "doctor",
        help="check that roleui's directories and files are private (permissions, owners, symlinks)",
        description="Check roleui's cache, data and config directories: every file and directory must be yours, not "
        "writable by others and not a symlink. Prints each problem with the command that fixes it.",
    )


def run(args: argparse.Namespace) -> int:
    from roleui.core.paths import cache_dir, config_path, data_dir
    from roleui.core.private_files import audit, problem_of
    from roleui.core.text import terminal_safe

    catalog, _ = config_path(args.config)
    places = [cache_dir(), data_dir()]
    problems = audit(places)
    # The catalog is read, not written: it must not be writable by others (it names the roles and mfa_process).
    for path in (catalog.parent, catalog):
        try:
            found = problem_of(path, os.stat(path), directory=path == catalog.parent)
        except OSError:
            continue
        if found is not None and "owned by another user" not in found[0]:
            problems.append((Path(path), *found))
    problems += _foreign_commands(catalog)
    # Versions before the private rc directories wrote shell rc files here and ran them: no longer read, but a
    # file another local user could once have replaced has no reason to stay.
    legacy = cache_dir() / "shell"
    if os.path.lexists(legacy):
        problems.append(
            (legacy, "holds rc files of an older roleui (no longer used)", f"rm -r {shlex.quote(str(legacy))}")
        )
    # The AWS side: ~/.aws, the config and credentials files, the Identity Center token cache (issue 19).
    from roleui.core.aws_files_audit import aws_problems

    problems += aws_problems()
    for path, problem, fix in problems:
        print(f"roleui: {terminal_safe(str(path))} {problem} — fix: {terminal_safe(fix)}", file=sys.stderr)
    if problems:
        return EXIT_USAGE
    shown = ", ".join(terminal_safe(str(p)) for p in places)
    print(f"OK: roleui's directories are private ({shown})")
    return EXIT_OK


def _foreign_commands(catalog: Path) -> list[tuple[Path, str, str]]:
    """The catalog another user could have written, when it carries a command (core/catalog/trust.py)."""
    from roleui.core.catalog.parse import load_catalog
    from roleui.core.errors import ConfigError

    if not os.path.exists(catalog):
        return []
    try:
        load_catalog(catalog)
    except ConfigError as error:
        return [
            (catalog, p.message, p.hint.removeprefix("roleui will not use it; "))
            for p in error.problems
            if "a command roleui would run as you" in p.message
        ]
    return []
