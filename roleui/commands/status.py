"""`roleui status [--format F] [--json]`: the current shell's session in one line (roleui/fast/status.py answers).

The launcher answers `status` before argparse loads; this module gives it `--help` and answers when the fast
door did not (e.g. options written in another order).
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from roleui.core.errors import UsageError
from roleui.fast.status import DEFAULT_FORMAT, EXIT_USAGE, FIELDS, render


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    fields = " ".join("{" + name + "}" for name in FIELDS)
    parser = sub.add_parser(
        "status",
        help="the current shell's role session in one line (for prompts and tmux)",
        description="Print this shell's roleui session, e.g. `shared-data/ReadOnly 42m`; nothing and exit 1 "
        "outside a session. Fast: no catalog, no AWS call.",
    )
    parser.add_argument("--format", default=DEFAULT_FORMAT, metavar="F", help=f"a template of {fields}")
    parser.add_argument("--json", action="store_true", help="every field as one JSON object")


def run(args: argparse.Namespace) -> int:
    status, out, err = render(args.format, args.json, os.environ, time.time())
    if status == EXIT_USAGE:
        raise UsageError(err.strip().removeprefix("roleui: "))
    sys.stdout.write(out)
    return status
