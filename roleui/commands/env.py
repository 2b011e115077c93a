"""`roleui env ROLE [--format sh|fish|powershell|json]`: print the session's exports, to `eval` in a shell.

    eval "$(roleui env shared-data/CrossAccountS3ReadOnly)"

Prints secrets on purpose (that is what was asked for); the MFA prompt, if any, goes to the terminal.
"""

from __future__ import annotations

import argparse
import os
import sys

from roleui.commands.session_args import add_assume_options, add_role_argument, assume, load_role
from roleui.core.errors import EXIT_OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "env",
        help="print the exports of a role session (eval them in your shell)",
        description='Assume ROLE (or reuse its cached session) and print its environment: eval "$(roleui env ROLE)".',
    )
    add_role_argument(parser)
    parser.add_argument("--format", choices=("sh", "fish", "powershell", "json"), default="sh", help="default: sh")
    add_assume_options(parser)


def run(args: argparse.Namespace) -> int:
    from roleui.core.sessions.session_env import export_script

    catalog, role = load_role(args)
    session = assume(args, catalog, role)
    sys.stdout.write(export_script(session, args.format, os.environ))
    return EXIT_OK
