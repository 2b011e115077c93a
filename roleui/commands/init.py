"""`roleui init [--example]`: a first catalog where roleui looks for one, never over an existing file.

The starter catalog (roleui/core/catalog/starter.py) names the accounts of the user's AWS config role profiles
and enables AWS Organizations discovery when the default credentials can read the organization (one
`list_roots` call); otherwise the discovery block is written commented out, with the reason. `--example` prints
the complete, commented reference of the format (config.example.toml, shipped inside the package).
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from roleui.core.errors import EXIT_OK, RoleuiError, UsageError

if TYPE_CHECKING:
    from collections.abc import Mapping

    from roleui.core.catalog.starter import OrgProbe, SignInFound
    from roleui.core.sources.aws_config.profiles import SsoSession

EXAMPLE_NAME = "config.example.toml"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "init",
        help="write a starter catalog (from ~/.aws/config and your organization); never overwrites",
        description="Write a starter catalog where roleui looks for it (--config, $ROLEUI_CONFIG, else the user "
        "config dir): the accounts of your AWS config role profiles, and AWS Organizations discovery when your "
        "credentials can read the organization. An existing file is never overwritten.",
    )
    parser.add_argument(
        "--example",
        action="store_true",
        help="print the complete, commented example catalog instead (roleui init --example > catalog.toml)",
    )


def example_path() -> Path:
    """config.example.toml: inside the package when installed from a wheel, at the repository root in a checkout."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / EXAMPLE_NAME, package.parent / EXAMPLE_NAME):
        if candidate.is_file():
            return candidate
    raise RoleuiError(f"{EXAMPLE_NAME} is missing from this installation of roleui — reinstall it")


def run(args: argparse.Namespace) -> int:
    if args.example:
        sys.stdout.write(example_path().read_text(encoding="utf-8"))
        return EXIT_OK
    from roleui.core.paths import config_path

    path, _ = config_path(args.config)
    if path.exists():
        raise UsageError(
            f"{path} already exists and roleui init never overwrites — edit it (`roleui check` validates it), "
            "or write another with --config PATH"
        )
    text, summary = _starter()
    _create(path, text)
    print(f"wrote {path}: {summary}")
    again = f" --config {shlex.quote(args.config)}" if args.config else ""
    print(f"next: `roleui check{again}`, then `roleui{again}` (or `roleui list{again}`)")
    return EXIT_OK


def _starter() -> tuple[str, str]:
    """The starter catalog's text and a one-line summary of what went into it."""
    from roleui.aws.sources import read_aws_profiles, read_sso_sessions
    from roleui.core.catalog.starter import starter_catalog
    from roleui.core.paths import aws_config_path
    from roleui.core.sources.aws_config.profiles import roles_from_profiles

    aws_path = aws_config_path()
    profiles, lines, _ = read_aws_profiles(aws_path)
    sessions, _ = read_sso_sessions(aws_path)
    # With the sso-sessions, as `roleui check` reads them: SSO profiles are role profiles too.
    roles, _ = roles_from_profiles(profiles, file=str(aws_path), lines=lines, sso_sessions=sessions)
    region = profiles.get("default", {}).get("region")
    organization = _probe_organization()
    text = starter_catalog(
        roles,
        region=region if isinstance(region, str) and region.strip() else None,
        aws_config=str(aws_path),
        organization=organization,
        names=_account_names(profiles),
        sign_ins=_sign_ins(sessions),
    )
    accounts = len({role.account.id for role in roles})
    found = (
        f"{accounts} accounts from {len(roles)} role profiles in {aws_path}"
        if roles
        else f"no role profiles in {aws_path}"
    )
    org = "organization discovery enabled" if organization.readable else "organization discovery left commented out"
    return text, f"{found}; {org} ({organization.why})"


def _account_names(profiles: Mapping[str, Mapping[str, object]]) -> dict[str, str]:
    """Account id -> its own name where one is known: a profile's `sso_account_name` (aws-sso-util and others
    write it), else the Identity Center and Organizations caches of earlier runs."""
    from roleui.core.sources.identity_center.cache import load_ic_snapshots
    from roleui.core.sources.organizations.cache import load_org_snapshot

    names: dict[str, str] = {}
    for profile in profiles.values():
        account_id, name = profile.get("sso_account_id"), profile.get("sso_account_name")
        if isinstance(account_id, str) and isinstance(name, str) and name.strip():
            names.setdefault(account_id.strip(), name.strip())
    for snapshot in load_ic_snapshots(remember=False).values():
        for account in snapshot.accounts:
            if account.name:
                names.setdefault(account.id, account.name)
    organization = load_org_snapshot(remember=False)
    for discovered in organization.accounts if organization is not None else ():
        if discovered.name:
            names.setdefault(discovered.id, discovered.name)
    return names


def _sign_ins(sessions: Mapping[str, SsoSession]) -> list[SignInFound]:
    from roleui.aws.sso_tokens import load_token
    from roleui.core.catalog.starter import SignInFound
    from roleui.core.clock import utc_now

    now = utc_now()
    found = []
    for name, session in sessions.items():
        token = load_token(name, session.start_url)
        found.append(SignInFound(name, token is not None and (token.is_valid(now) or token.can_refresh(now))))
    return found


def _probe_organization() -> OrgProbe:
    """Whether the default credentials can walk the organization (list_roots needs the management account or a
    delegated administrator; a member account may describe it but not list it)."""
    from botocore.exceptions import BotoCoreError, ClientError

    from roleui.aws.errors import Call, aws_error
    from roleui.aws.organizations import organizations_client
    from roleui.core.catalog.starter import OrgProbe
    from roleui.core.models import Catalog

    try:
        client = organizations_client(Catalog())
        organization = client.describe_organization()["Organization"]
        client.list_roots()
    except (BotoCoreError, ClientError, RoleuiError) as error:
        reason = aws_error(error, Call(doing="reading the organization", base="the default credentials"))
        return OrgProbe(readable=False, why=f"not readable: {reason}")
    return OrgProbe(readable=True, why=f"organization {organization.get('Id', '?')}, readable with your credentials")


def _create(path: Path, text: str) -> None:
    """Write `text` to a new file (0600: a catalog may hold ExternalIds); O_EXCL: never over a file that appeared."""
    from roleui.core.private_files import create_private

    try:
        create_private(path, text.encode("utf-8"))
    except FileExistsError:
        raise UsageError(f"{path} already exists and roleui init never overwrites — edit it") from None
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror} — check the path, or pass --config PATH") from None
