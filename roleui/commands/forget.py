"""`roleui forget ROLE` / `roleui forget --all`: delete cached sessions (--all: MFA sessions too)."""

from __future__ import annotations

import argparse

from roleui.core.errors import EXIT_OK, UsageError
from roleui.core.text import terminal_safe


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "forget",
        help="delete the cached sessions of a role (or --all)",
        description="Delete the cached sessions of ROLE, or with --all every cached role and MFA session.",
    )
    parser.add_argument("role", nargs="?", metavar="ROLE", help="account/role, role ARN, or AWS config profile name")
    parser.add_argument("--all", action="store_true", help="every cached session, MFA sessions included")


def run(args: argparse.Namespace) -> int:
    from roleui.core.sessions.credcache import CredentialCache

    if args.all == (args.role is not None):
        raise UsageError("name one ROLE or pass --all")
    cache = CredentialCache()
    if args.all:
        count = cache.forget_all()
        print(f"forgot {count} cached session{'s' if count != 1 else ''}")
        return EXIT_OK
    from roleui.commands.session_args import load_role

    _, role = load_role(args)
    count = cache.forget_role(role.arn)
    print(f"forgot {count} cached session{'s' if count != 1 else ''} of {terminal_safe(role.key)}")
    return EXIT_OK
