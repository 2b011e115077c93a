"""Role profiles of the user's AWS config file, as catalog roles (the reading itself is in roleui/aws).

A profile with `role_arn` becomes a role: `source_profile` naming another role profile is role chaining
(`via`), naming a plain profile is the base credentials. A profile for a role the catalog already lists
does not add a second row: it lends its name to the catalog role, so `roleui env PROFILE` works too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace

from roleui.core import limits
from roleui.core.errors import Problem
from roleui.core.models import Account, Catalog, Location, Role, Source

ROLE_ARN = re.compile(
    r"^arn:(aws|aws-us-gov|aws-cn):iam::(\d{12}):role(/(?:[\x21-\x7e]+/)?)?([\w+=,.@-]{1,64})$", re.ASCII
)
_HEADER = re.compile(r"^\s*\[\s*(?:profile\s+)?([^\]]+?)\s*\]")


def profile_lines(text: str) -> dict[str, int]:
    """Profile name -> line of its `[profile NAME]` header (botocore's parser keeps no lines)."""
    lines: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        m = _HEADER.match(line)
        if m:
            lines.setdefault(m.group(1), number)
    return lines


def roles_from_profiles(
    profiles: Mapping[str, Mapping[str, object]],
    *,
    file: str,
    lines: Mapping[str, int],
    accounts: Sequence[Account] = (),
) -> tuple[list[Role], list[Problem]]:
    """Roles for every profile with a role_arn, and the problems of those that cannot be used."""
    by_id = {a.id: a for a in accounts}
    made: dict[str, Account] = {}
    problems: list[Problem] = []
    parsed: dict[str, Role] = {}

    def problem(name: str, key: str, message: str, hint: str) -> None:
        problems.append(Problem(file, lines.get(name, 0), f"profile {name}: {key}", message, hint))

    for name, profile in profiles.items():
        arn = profile.get("role_arn")
        if not isinstance(arn, str):
            continue
        m = ROLE_ARN.match(arn.strip())
        if not m:
            problem(name, "role_arn", f"{arn!r} is not a role ARN", "write arn:aws:iam::123456789012:role/RoleName")
            continue
        partition, account_id, path, role_name = m.groups()
        account = by_id.get(account_id) or made.get(account_id)
        if account is None:
            account = Account(id=account_id, name=account_id, partition=partition, source=Source.AWS_CONFIG)
            made[account_id] = account
        options: dict[str, object] = {}
        bad = False
        for key, check in (
            ("external_id", limits.check_external_id),
            ("mfa_serial", limits.check_mfa_serial),
            ("role_session_name", limits.check_session_name),
        ):
            value = profile.get(key)
            if isinstance(value, str):
                finding = check(value)
                if finding:
                    problem(name, key, *finding)
                    bad = True
                options[key] = value
        duration = None
        raw_duration = profile.get("duration_seconds")
        if isinstance(raw_duration, str):
            if raw_duration.strip().isdigit() and not limits.check_duration(int(raw_duration)):
                duration = int(raw_duration)
            else:
                problem(
                    name,
                    "duration_seconds",
                    f"{raw_duration!r} is not within 900..43200",
                    "write a number of seconds, 900 to 43200",
                )
                bad = True
        region = profile.get("region")
        if bad:
            continue
        source_profile = profile.get("source_profile")
        credential_source = profile.get("credential_source")
        parsed[name] = Role(
            account=account,
            name=role_name,
            path=path or "/",
            external_id=_str(options.get("external_id")),
            mfa_serial=_str(options.get("mfa_serial")),
            duration=duration,
            session_name=_str(options.get("role_session_name")),
            region=region if isinstance(region, str) and region else None,
            source_profile=source_profile if isinstance(source_profile, str) else None,
            credential_source=credential_source if isinstance(credential_source, str) else None,
            profile=name,
            source=Source.AWS_CONFIG,
            location=Location(file, lines.get(name, 0)),
        )
    # source_profile pointing at another role profile is chaining: the inner role's credentials assume this one.
    roles: list[Role] = []
    for role in parsed.values():
        upstream = parsed.get(role.source_profile or "")
        chained = upstream is not None and upstream is not role
        roles.append(replace(role, via=upstream.key, source_profile=None) if chained and upstream else role)
    return roles, problems


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def merge_profile_roles(catalog: Catalog, roles: list[Role]) -> Catalog:
    """Add profile roles to the catalog; a role the catalog already has just gains the profile name."""
    by_arn = {r.arn.lower(): i for i, r in enumerate(catalog.roles)}
    merged = list(catalog.roles)
    added: list[Role] = []
    for role in roles:
        index = by_arn.get(role.arn.lower())
        if index is not None and merged[index].profile is None and merged[index].source is not Source.AWS_CONFIG:
            merged[index] = replace(merged[index], profile=role.profile)
            continue
        added.append(role)
    known = {a.id for a in catalog.accounts}
    new_accounts: dict[str, Account] = {}
    for role in added:
        if role.account.id not in known:
            new_accounts.setdefault(role.account.id, role.account)
    return replace(
        catalog,
        accounts=(*catalog.accounts, *new_accounts.values()),
        roles=(*merged, *added),
    )
