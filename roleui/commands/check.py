"""`roleui check`: validate the catalog and the AWS config role profiles; every problem in one run.

An `[[identity_center]]` entry's `sso_session` must name an `[sso-session]` of the AWS config file with a start
URL and a region: otherwise discovery and `roleui login` would fail later, far from the line to fix.

On a first run it also says where roleui looked and what to do: with no catalog and no role profiles there is
nothing to check, which is an error (exit 2) that names both places and `roleui init` / `roleui demo`.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from roleui.core.errors import EXIT_OK, ConfigError, UsageError
from roleui.core.models import Source
from roleui.core.problems import Problem

if TYPE_CHECKING:
    from pathlib import Path

    from roleui.core.models import Catalog


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
    problems = sign_in_problems(catalog, looked_at, aws_path)
    if problems:
        raise ConfigError(problems)
    from_aws = catalog.count(Source.AWS_CONFIG)
    where = catalog.aws_config_path or "~/.aws/config"
    print(f"OK: {len(catalog.accounts)} accounts, {len(catalog.roles)} roles ({from_aws} from {where})")
    policy_note = session_policy_note(catalog)
    if policy_note:
        print(f"note: {policy_note}", file=sys.stderr)
    if catalog.organizations.enabled:
        from roleui.core.clock import utc_now
        from roleui.core.sources.organizations.cache import stale_hint

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


def session_policy_note(catalog: Catalog) -> str | None:
    """What `check` could and could not check of the session policies (only AWS knows their packed size)."""
    if catalog.path is None:
        return None
    scoped = sum(1 for role in catalog.roles if role.source is Source.CATALOG and (role.policy_arns or role.policy))
    if not scoped and not catalog.scopes:
        return None
    return (
        f"session policies of {len(catalog.scopes)} scopes and {scoped} roles checked offline (JSON, ARN form, "
        "at most 10 ARNs, 2,048 characters); their packed size is AWS's own limit (PackedPolicyTooLarge)"
    )


def sign_in_problems(catalog: Catalog, catalog_path: Path, aws_path: Path) -> list[Problem]:
    """An `[[identity_center]]` naming an sso-session the AWS config file lacks (or holds unusable), at its line."""
    if not any(config.sso_session for config in catalog.identity_center):
        return []
    from roleui.aws.sources import read_sso_sessions

    sessions, _ = read_sso_sessions(aws_path)
    problems: list[Problem] = []
    for number, config in enumerate(catalog.identity_center, start=1):
        if config.sso_session and config.sso_session not in sessions:
            where = config.location
            problems.append(
                Problem(
                    where.file if where else str(catalog.path or catalog_path),
                    where.line if where else 0,
                    f"identity_center[{number}].sso_session",
                    f"there is no usable [sso-session {config.sso_session}] in {aws_path}",
                    f"add it with sso_start_url and sso_region (or fix the name; sessions there: "
                    f"{', '.join(sorted(sessions)) or 'none'})",
                )
            )
    return problems
