"""`roleui list [FILTER] [--json]`: one row per role, from the catalog, templates, ~/.aws/config and discovery.

The JSON schema (a list of flat objects, documented in the README) is stable: fields are only ever added.
Starts from caches only: no API call and no boto3 import unless `--refresh` is given.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from roleui.core.errors import EXIT_OK
from roleui.core.models import Catalog, Role
from roleui.core.text import terminal_safe
from roleui.core.world.search import haystack
from roleui.fast.listing import Row, index_path, lists_directory, render, write_index

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
    "sso_session",
    "start_url",
)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "list",
        help="list roles (filter by account, id, role, tag values)",
        description="List every role roleui knows. FILTER words must all appear (case-insensitively) in the account name, id, aliases, role name, OU path or tag values; key:value matches a tag (env:prod).",
    )
    parser.add_argument("filter", nargs="*", metavar="FILTER", help="words to match")
    parser.add_argument("--json", action="store_true", help="print a JSON list of objects (stable schema)")
    parser.add_argument(
        "--refresh", action="store_true", help="rediscover the AWS Organization and Identity Center assignments first"
    )


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
        "sso_session": role.sso_session,
        "start_url": role.sso_start_url,
    }


def index_row(role: Role) -> Row:
    """What the fast path needs of a role: its search text, its JSON object and its table cells."""
    account = role.account
    tags = ",".join(f"{k}={v}" for k, v in account.tags.items())
    # Names from other people reach the terminal inert: control characters shown escaped (the index keeps them so).
    cells = tuple(
        terminal_safe(cell) for cell in (account.name, account.id, role.path_and_name, role.arn, tags, str(role.source))
    )
    return haystack(role), json.dumps(as_record(role)), cells


def run(args: argparse.Namespace) -> int:
    from roleui.aws.sources import load_world

    said: list[str] = []

    def warn(message: str) -> None:
        said.append(message)
        print(f"roleui: {terminal_safe(message)}", file=sys.stderr)

    if args.refresh:
        from roleui.aws.refresh import refresh_world
        from roleui.commands.discover import ProgressLine

        progress = ProgressLine(sys.stderr)
        try:
            catalog = refresh_world(args.config, progress=progress, warn=progress.warn)
        finally:
            progress.close()
    else:
        catalog = load_world(args.config, warn=warn)
        from roleui.core.sources.registry import configured_sources

        sources = configured_sources(catalog)
        if sources:
            from roleui.core.clock import utc_now

            now = utc_now()
            for source in sources:
                hint = source.stale_hint(catalog, now)
                if hint:
                    warn(hint)
    rows = [index_row(role) for role in catalog.roles]
    if not said and not args.refresh:
        _leave_index(args.config, catalog, rows)
    out, err = render(rows, " ".join(args.filter), args.json, catalog.path)
    sys.stderr.write(err)
    sys.stdout.write(out)
    return EXIT_OK


def _leave_index(config: str | None, catalog: Catalog, rows: list[Row]) -> None:
    """Let the next `roleui list` print straight from `rows` while nothing it came from changes (quick_list.py)."""
    from roleui.core.paths import aws_config_path, config_path, identity_center_cache_file
    from roleui.core.sources.identity_center.cache import load_ic_snapshots
    from roleui.core.sources.organizations.cache import cache_file, load_org_snapshot

    # The index answers only while every discovered source it holds is younger than its cache_lifetime.
    windows: list[tuple[float, float]] = []
    if catalog.organizations.enabled:
        snapshot = load_org_snapshot()
        if snapshot is None:
            return
        start = snapshot.discovered_at.timestamp()
        windows.append((start, start + catalog.organizations.cache_lifetime))
    if catalog.identity_center:
        sign_ins = load_ic_snapshots()
        for entry in catalog.identity_center:
            found = sign_ins.get(entry.name)
            if found is None:
                return
            start = found.discovered_at.timestamp()
            windows.append((start, start + entry.cache_lifetime))
    fresh = (max(w[0] for w in windows), min(w[1] for w in windows)) if windows else None
    depends_on = [
        str(config_path(config)[0].absolute()),
        str(aws_config_path().absolute()),
        str(cache_file().absolute()),
        str(identity_center_cache_file().absolute()),
    ]
    path = index_path(config, os.environ, os.getcwd(), lists_directory(os.environ))
    write_index(path, rows, depends_on=depends_on, fresh=fresh)
