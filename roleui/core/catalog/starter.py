"""The starter catalog `roleui init` writes: the accounts of the user's AWS config role profiles, ready to be
named, tagged and colored, and the organization's discovery, enabled when the credentials can read it.

Pure text: what to write is decided here, what was found (profiles, the organization) is read by the command.
Every value that came from a file or from AWS goes through `toml_string` and never into a comment as is.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from roleui.core.models import Role

HEADER = """\
# roleui catalog, written by `roleui init`. Edit it freely; `roleui check` validates it (every problem, with
# its line), and `roleui init --example` prints the complete, commented reference of the format.
"""

DEFAULTS = """\
[defaults]
{region}
duration = "1h"                   # "1h", "90m", "1h30m" or seconds; 15m..12h
session_name = "{{user}}"           # {{user}}, {{account}}, {{role}}
# source_profile = "default"      # base credentials (default: botocore's chain: AWS_PROFILE, keys, SSO)
# mfa_serial = "arn:aws:iam::123456789012:mfa/your.name"   # for roles that say mfa = true
"""

NO_PROFILES = """
# No role profiles in {aws_config}. Add accounts and their roles here, e.g.
#
# [[accounts]]
# id = "123456789012"             # quoted: 12 digits
# name = "prod"                   # how you name it in commands: roleui exec prod/ReadOnly -- ...
# tags = {{ environment = "prod" }}
# color = "red"                   # console palette: red, orange, yellow, green, blue
#
#   [[accounts.roles]]
#   name = "ReadOnly"
"""

PROFILES = """
# The accounts of the role profiles in {aws_config}. Their roles come from the profiles themselves (with their
# ExternalId, MFA device and source profile); naming, tagging and coloring an account here names, tags and
# colors them: `roleui exec {example} -- aws sts get-caller-identity`.
# Tag and color each as it is, e.g. tags = {{ environment = "prod", team = "platform" }} and color = "red"
# (red, orange, yellow, green, blue): tags filter the list (env:prod), color marks the console and prompt.
"""

IDENTITY_CENTER = """
# IAM Identity Center: every account and permission set your sign-in [sso-session {name}] is assigned, listed
# with the roles above ({why}).
{c}[[identity_center]]
{c}sso_session = {name_toml}
"""

ORGANIZATION = """
# AWS Organizations: offer roles in every account of your organization ({why}).
# `roleui discover` reads it now; the UI refreshes it in the background (see `roleui init --example`).
{c}[organizations]
{c}enabled = true
{c}roles = ["OrganizationAccountAccessRole"]   # offered in every discovered account
{c}# source_profile = "org-reader"            # management or delegated-admin credentials
{c}
{c}  [[organizations.rules]]                  # e.g. production accounts: red, and confirmed before assuming
{c}  tags = {{ environment = "prod" }}
{c}  color = "red"
{c}  confirm = true
"""


@dataclass(frozen=True, slots=True)
class OrgProbe:
    """Whether the organization could be read, and the one line that says why (or why not)."""

    readable: bool
    why: str


def toml_string(text: str) -> str:
    """A TOML basic string holding `text` exactly (JSON's escapes are TOML's, once DEL is escaped too)."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


@dataclass(frozen=True, slots=True)
class SignInFound:
    """An `[sso-session]` of the AWS config file, and whether a valid sign-in of it is cached."""

    name: str
    signed_in: bool


def starter_catalog(
    roles: Sequence[Role],
    *,
    region: str | None,
    aws_config: str,
    organization: OrgProbe,
    names: Mapping[str, str] | None = None,
    sign_ins: Sequence[SignInFound] = (),
) -> str:
    """The text of the starter catalog; `roles` are the AWS config profile roles (roleui/core/sources/aws_config),
    `names` better account names than the profiles' (account id -> name: `sso_account_name`, discovery caches),
    `sign_ins` the `[sso-session]` sections, each offered as an `[[identity_center]]`."""
    region_line = (
        f"region = {toml_string(region)}            # from your AWS config's default profile"
        if region
        else '# region = "eu-west-1"          # the region of sessions'
    )
    parts = [HEADER, "\n", DEFAULTS.format(region=region_line)]
    accounts = _profile_accounts(roles, names or {})
    where = _comment(aws_config)
    if accounts:
        first_name, first_role = next(iter(accounts.values()))[0], roles[0].name
        parts.append(PROFILES.format(aws_config=where, example=f"{first_name}/{first_role}"))
        for account_id, (name, profiles) in accounts.items():
            parts.append(
                f"\n[[accounts]]\nid = {toml_string(account_id)}\nname = {toml_string(name)}\n"
                f"# profiles: {', '.join(toml_string(p) for p in profiles)}\n" + _guessed_tags(name, profiles)
            )
    else:
        parts.append(NO_PROFILES.format(aws_config=where))
    for sign_in in sign_ins:
        why = "signed in" if sign_in.signed_in else "uncomment it once `roleui login` signed you in"
        parts.append(
            IDENTITY_CENTER.format(
                name=_comment(sign_in.name),
                why=why,
                name_toml=toml_string(sign_in.name),
                c="" if sign_in.signed_in else "# ",
            )
        )
    parts.append(ORGANIZATION.format(why=_comment(organization.why), c="" if organization.readable else "# "))
    return "".join(line.rstrip() + "\n" for line in "".join(parts).splitlines())


def _comment(text: str) -> str:
    """`text` as it may stand in a TOML comment: one line, no control character (an AWS error is untrusted)."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


def _profile_accounts(roles: Sequence[Role], names: Mapping[str, str]) -> dict[str, tuple[str, list[str]]]:
    """Account id -> (a name for it, made a valid unique account name; its profiles). The name is the best one
    known: `names` (the account's own name), else what the account's profiles' names share (`prod-admin` and
    `prod-readonly` give `prod`), else its first profile's name, else its id."""
    profiles_of: dict[str, list[str]] = {}
    for role in roles:
        listed = profiles_of.setdefault(role.account.id, [])
        if role.profile:
            listed.append(role.profile)
    accounts: dict[str, tuple[str, list[str]]] = {}
    taken: set[str] = set()
    for account_id, profiles in profiles_of.items():
        raw = names.get(account_id) or _shared_prefix(profiles) or (profiles[0] if profiles else account_id)
        name = "-".join(_comment(raw).replace("/", " ").split()) or account_id
        if name.lower() in taken:
            name = f"{name}-{account_id}"
        taken.add(name.lower())
        accounts[account_id] = (name, profiles)
    return accounts


def _shared_prefix(profiles: Sequence[str]) -> str:
    """What two or more profile names share up to a separator (`prod-admin`, `prod-readonly` -> `prod`), or ""."""
    if len(profiles) < 2:
        return ""
    first, last = min(profiles), max(profiles)  # the shared prefix of all is that of these two
    size = next((i for i, (a, b) in enumerate(zip(first, last, strict=False)) if a != b), min(len(first), len(last)))
    prefix = first[:size]
    cut = max(prefix.rfind(sep) for sep in "-_.")
    if len(prefix) < max(len(p) for p in profiles) and cut >= 2:
        return prefix[:cut]
    return ""


_ENVIRONMENTS = (
    ("prod", "prod", "red"),
    ("stag", "staging", "yellow"),
    ("dev", "dev", "green"),
    ("sandbox", "sandbox", "green"),
)


def _guessed_tags(name: str, profiles: Sequence[str]) -> str:
    """A commented tag line when the account's names say its environment (`prod`, `staging`, `dev`), else none:
    a guess repeated on every account would be wrong on most."""
    words = " ".join([name, *profiles]).lower()
    for needle, environment, color in _ENVIRONMENTS:
        if needle in words:
            return f'# tags = {{ environment = "{environment}" }}\n# color = "{color}"\n'
    return ""
