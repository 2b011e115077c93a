"""`roleui list [FILTER] [--json]`: one row per role, from the catalog, templates, ~/.aws/config and discovery.

The JSON schema (a list of flat objects, documented in the README) is stable: fields are only ever added.
Starts from caches only: no API call and no boto3 import unless `--refresh` is given.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from typing import Any

from roleui.core.errors import EXIT_OK
from roleui.core.models import Role
from roleui.core.search import matches_filter

SCHEMA_FIELDS = (
    "key",
    "account_name",
    "account_id",
    "account_aliases",
    "role_name",
    "role_path",
    "role_arn",
    "tags",
    "ou_path",
    "account_state",
    "source",
    "profile",
    "region",
    "duration",
    "mfa_serial",
    "external_id",
    "via",
    "confirm",
    "description",
)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "list",
        help="list roles (filter by account, id, role, tag values)",
        description="List every role roleui knows. FILTER words must all appear (case-insensitively) in the account name, id, aliases, role name, OU path or tag values.",
    )
    parser.add_argument("filter", nargs="*", metavar="FILTER", help="words to match")
    parser.add_argument("--json", action="store_true", help="print a JSON list of objects (stable schema)")
    parser.add_argument("--refresh", action="store_true", help="rediscover the AWS Organization first")


def as_record(role: Role) -> dict[str, Any]:
    """The JSON object of one role (README: `roleui list --json`). ExternalId values are never printed."""
    account = role.account
    return {
        "key": role.key,
        "account_name": account.name,
        "account_id": account.id,
        "account_aliases": list(account.aliases),
        "role_name": role.name,
        "role_path": role.path,
        "role_arn": role.arn,
        "tags": dict(account.tags),
        "ou_path": account.ou_path,
        "account_state": account.state,
        "source": str(role.source),
        "profile": role.profile,
        "region": role.region or account.region,
        "duration": role.duration,
        "mfa_serial": role.mfa_serial,
        "external_id": role.external_id is not None,
        "via": role.via,
        "confirm": role.confirm,
        "description": role.description,
    }


def _table(roles: Iterable[Role]) -> str:
    rows = [
        (
            r.account.name,
            r.account.id,
            r.path_and_name,
            r.arn,
            ",".join(f"{k}={v}" for k, v in r.account.tags.items()),
            str(r.source),
        )
        for r in roles
    ]
    header = ("ACCOUNT", "ID", "ROLE", "ARN", "TAGS", "SOURCE")
    widths = [max(len(h), *(len(row[i]) for row in rows)) if rows else len(h) for i, h in enumerate(header)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in (header, *rows)]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    from roleui.aws.sources import load_world

    def warn(message: str) -> None:
        print(f"roleui: {message}", file=sys.stderr)

    if args.refresh:
        from roleui.aws.organizations import refresh_world
        from roleui.commands.discover import ProgressLine

        progress = ProgressLine(sys.stderr)
        try:
            catalog = refresh_world(args.config, progress=progress, warn=progress.warn)
        finally:
            progress.close()
    else:
        catalog = load_world(args.config, warn=warn)
        if catalog.organizations.enabled:
            from roleui.core.clock import utc_now
            from roleui.core.org_cache import stale_hint

            hint = stale_hint(catalog, utc_now())
            if hint:
                warn(hint)
    text = " ".join(args.filter)
    roles = [r for r in catalog.roles if matches_filter(r, text)] if text else list(catalog.roles)
    if args.json:
        # One compact object per line: still one JSON document, greppable, and ~2x faster than json.dump(indent=).
        sys.stdout.write("[\n" + ",\n".join(json.dumps(as_record(r)) for r in roles) + ("\n]\n" if roles else "]\n"))
    elif roles:
        print(_table(roles))
    elif text:
        warn(f"no role matches {text!r}")
    else:
        warn("no roles: create a catalog (see config.example.toml) or add role profiles to ~/.aws/config")
    return EXIT_OK
