"""The environment a role session runs in, and the same as a script to `eval` (sh, fish, PowerShell) or JSON.

Sets the credentials, both region variables (boto3 and aws-cli v1 read only AWS_DEFAULT_REGION; v2 and other
SDKs prefer AWS_REGION), the expiry under both names tools use, and ROLEUI_* for prompts. Removes whatever
would compete with the session's keys: profiles (a set AWS_PROFILE still steers region and can even fail on a
missing profile), older keys, web identity, outer aws-vault/granted/container sessions (competing.py). Keeps endpoints, CA bundle and proxy settings.

`endpoint_env` is the variant for a child served by a credential endpoint (roleui/aws/credential_server.py):
no static keys and no expiry, the SDKs' container-credentials variables instead.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Mapping

from roleui.core.errors import UsageError
from roleui.core.sessions.competing import COMPETING_VARS, competes
from roleui.core.sessions.process_output import credential_process_json
from roleui.core.sessions.session import Session
from roleui.core.text import terminal_safe
from roleui.core.timefmt import format_time

FORMATS = ("sh", "fish", "powershell", "json")

# What points a child at a credential endpoint (roleui/aws/credential_server.py); an outer session's never leaks in.
ENDPOINT_VARS = (
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "ROLEUI_STATUS_FILE",
)

# granted's markers that exports pasted into another terminal unset (the environment there is unknown).
KNOWN_MARKERS = ("GRANTED_SSO", "GRANTED_SSO_START_URL", "GRANTED_SSO_ROLE_NAME", "GRANTED_SSO_ACCOUNT_ID")

# Variables that would compete with (or lie about) the session's credentials.
REMOVED = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SECURITY_TOKEN",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_ACCESS_KEY",  # legacy names some tools still read
    "AWS_SECRET_KEY",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_SESSION_EXPIRATION",
    "ROLEUI_ROLE",
    "ROLEUI_ROLE_ARN",
    "ROLEUI_ACCOUNT_ID",
    "ROLEUI_IDENTITY",
    "ROLEUI_SCOPE",
    *ENDPOINT_VARS,
    *COMPETING_VARS,  # outer profiles, web identity, aws-vault's marker (roleui/core/sessions/competing.py)
    *KNOWN_MARKERS,
)


def removed(name: str) -> bool:
    """Whether a session's child must not inherit `name` (REMOVED, and granted's GRANTED_* markers)."""
    return name in REMOVED or competes(name)


SESSION_MARKER = "ROLEUI_ROLE"  # set inside every roleui session: nested exec/shell check it


def session_vars(session: Session) -> dict[str, str]:
    """Only the variables the session sets, in a stable order."""
    creds = session.credentials
    values = {"AWS_ACCESS_KEY_ID": creds.access_key_id, "AWS_SECRET_ACCESS_KEY": creds.secret_access_key}
    if creds.session_token:
        values["AWS_SESSION_TOKEN"] = creds.session_token
    if session.region:
        values["AWS_REGION"] = session.region
        values["AWS_DEFAULT_REGION"] = session.region
    if creds.expiration is not None:
        expiry = format_time(creds.expiration)
        values["AWS_CREDENTIAL_EXPIRATION"] = expiry
        values["AWS_SESSION_EXPIRATION"] = expiry
    # Prompt themes print ROLEUI_ROLE as is: a name's control characters are kept out of the terminal.
    values["ROLEUI_ROLE"] = terminal_safe(session.role_key)
    values["ROLEUI_ROLE_ARN"] = session.role_arn
    values["ROLEUI_ACCOUNT_ID"] = session.account_id
    if session.scope:  # a scoped session says so to prompts (`roleui status --format '{scope}'`)
        values["ROLEUI_SCOPE"] = session.scope
    return values


def credential_process_output(session: Session) -> str:
    """The JSON a `credential_process` prints (Version 1, with Expiration in RFC 3339 UTC)."""
    creds = session.credentials
    expiration = format_time(creds.expiration) if creds.expiration is not None else None
    return credential_process_json(creds.access_key_id, creds.secret_access_key, creds.session_token, expiration)


def session_env(session: Session, environ: Mapping[str, str]) -> dict[str, str]:
    """The full child environment: `environ` minus competing variables, plus the session's."""
    env = {k: v for k, v in environ.items() if not removed(k)}
    env.update(session_vars(session))
    return env


def _unset_names(environ: Mapping[str, str] | None, setting: Mapping[str, str]) -> list[str]:
    """What the script must unset: removed names that are present (all of them when the caller's env is unknown)."""
    names = list(REMOVED) if environ is None else [k for k in REMOVED if k in environ]
    names += [k for k in environ or () if competes(k) and k not in REMOVED]
    return [k for k in names if k not in setting]


def _fish_quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


# PowerShell ends a single-quoted string at any of these, not only at ' (a doubled one stands for itself).
POWERSHELL_QUOTES = "'\u2018\u2019\u201a\u201b"
_POWERSHELL_DOUBLED = str.maketrans({q: q + q for q in POWERSHELL_QUOTES})


def _powershell_quote(value: str) -> str:
    return "'" + value.translate(_POWERSHELL_DOUBLED) + "'"


def export_script(
    session: Session,
    fmt: str = "sh",
    environ: Mapping[str, str] | None = None,
    *,
    extra: Mapping[str, str] | None = None,
) -> str:
    """Lines that turn the calling shell's environment into `session_env(session, environ)`; `extra` variables are
    set too (endpoints, for exports pasted into another terminal)."""
    setting = {**session_vars(session), **(extra or {})}
    unset = _unset_names(environ, setting)
    if fmt == "sh":
        lines = [f"unset {name}" for name in unset]
        lines += [f"export {k}={shlex.quote(v)}" for k, v in setting.items()]
    elif fmt == "fish":
        lines = [f"set -e {name}" for name in unset]
        lines += [f"set -gx {k} {_fish_quote(v)}" for k, v in setting.items()]
    elif fmt == "powershell":
        lines = [f"Remove-Item Env:{name} -ErrorAction SilentlyContinue" for name in unset]
        lines += [f"$Env:{k} = {_powershell_quote(v)}" for k, v in setting.items()]
    elif fmt == "json":
        return json.dumps(setting, indent=2) + "\n"
    else:
        raise UsageError(f"unknown format {fmt!r} — use one of {', '.join(FORMATS)}")
    return "\n".join(lines) + "\n"


# Static keys and their expiry: with an endpoint they would win over it in the SDKs' chain, and the expiry would
# be wrong after the first refresh.
STATIC_ONLY = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_SESSION_EXPIRATION",
)


def endpoint_env(env: Mapping[str, str], endpoint_vars: Mapping[str, str]) -> dict[str, str]:
    """A session environment (`session_env`) turned to a credential endpoint's: without the static keys and
    expiry, plus the endpoint's variables (its URL, token and status file)."""
    served = {k: v for k, v in env.items() if k not in STATIC_ONLY}
    served.update(endpoint_vars)
    return served
