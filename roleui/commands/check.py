"""`roleui check`: validate the catalog and the AWS config role profiles; every problem in one run.

On a first run it also says where roleui looked and what to do: with no catalog and no role profiles there is
nothing to check, which is an error (exit 2) that names both places and `roleui init` / `roleui demo`.
"""

from __future__ import annotations

import argparse
import sys

from roleui.core.errors import EXIT_OK, UsageError
from roleui.core.models import Source


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sub.add_parser(
        "check",
        help="validate the catalog (every problem, with file and line)",
        description="Validate the catalog and ~/.aws/config role profiles. Exit 0 when clean, 2 with every problem listed (or with nothing to check).",
    )


def run(args: argparse.Namespace) -> int:
    from roleui.aws.sources import load_world
    from roleui.core.paths import aws_config_path, config_path

    catalog = load_world(args.config, strict=True)
    looked_at, _ = config_path(args.config)
    aws_path = aws_config_path()
    if catalog.path is None and not catalog.roles:
        raise UsageError(
            f"nothing to check: no catalog at {looked_at} and no role profiles in {aws_path} — "
            "`roleui init` writes a starter catalog there; `roleui demo` tries roleui without an AWS account"
        )
    from_aws = catalog.count(Source.AWS_CONFIG)
    where = catalog.aws_config_path or "~/.aws/config"
    print(f"OK: {len(catalog.accounts)} accounts, {len(catalog.roles)} roles ({from_aws} from {where})")
    if catalog.organizations.enabled:
        from roleui.core.clock import utc_now
        from roleui.core.sources.org_cache import stale_hint

        hint = stale_hint(catalog, utc_now())
        if hint:
            print(f"note: {hint}", file=sys.stderr)
    if catalog.path is None:
        print(
            f"note: no catalog at {looked_at}: the roles come from {where} alone; "
            "`roleui init` writes a starter catalog that names, tags and colors their accounts",
            file=sys.stderr,
        )
    elif not catalog.roles and not catalog.organizations.enabled:
        print(
            f"note: no roles yet: add accounts to {looked_at} (`roleui init --example` prints a complete example)",
            file=sys.stderr,
        )
    return EXIT_OK
