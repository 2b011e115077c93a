"""What competes with a role session's credentials in a child's AWS view, and who would win.

The SDKs' default chains look at many places before the container-credentials endpoint roleui serves: keys in
the environment, web identity (AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE), and the profile AWS_PROFILE (else
`default`) names in ~/.aws/credentials and ~/.aws/config (keys, role_arn, sso_*, credential_process...). Any of
them left in a child's view makes the child run as someone else, silently. This module knows them:

- the environment variables a session child must not inherit (outer profiles, web identity, an outer
  container's or aws-vault's or granted's session...) are in competing.py, which a cold `roleui env` loads alone;
- `strip_default(text, config=...)`: a user's config or credentials file without the credential-bearing keys of
  its `default` profile, everything else byte for byte (other profiles keep working: one whose
  `source_profile = default` is pointed at a copy of those keys under `OUTER_DEFAULT`);
- `resolve(env, config_text, credentials_text)`: a local walk of botocore's precedence over a child's view, naming
  the source that would give its credentials (no AWS call).

Pure functions over text and mappings; reading and writing the files is roleui/core/sessions/aws_overlay.py's job.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

# Keys of a profile that give it credentials (botocore, the CLI and the JS/Go/Java SDKs all read these).
CREDENTIAL_KEYS = frozenset(
    {
        "aws_access_key_id",
        "aws_secret_access_key",
        "aws_session_token",
        "aws_security_token",
        "aws_credential_expiration",
        "credential_process",
        "role_arn",
        "source_profile",
        "credential_source",
        "role_session_name",
        "external_id",
        "mfa_serial",
        "duration_seconds",
        "web_identity_token_file",
        "sso_session",
        "sso_start_url",
        "sso_account_id",
        "sso_role_name",
        "sso_region",
        "login_session",  # `aws login` (CLI v2.32+)
    }
)
KEY_PAIR = ("aws_access_key_id", "aws_secret_access_key")
OUTER_DEFAULT = "roleui-outer-default"  # where the default profile's credentials go when another profile uses them


def _section_name(line: str) -> str | None:
    """The name of a `[section]` header line, else None."""
    stripped = line.strip()
    if stripped.startswith("[") and "]" in stripped:
        return stripped[1 : stripped.index("]")].strip()
    return None


def _profile_of(section: str, *, config: bool) -> str | None:
    """The profile a section defines: `[name]` in the credentials file; `[profile name]` or `[default]` in the
    config file (other sections there, `[sso-session X]`, `[services X]`, are no profiles)."""
    if not config:
        return section
    if section == "default":
        return "default"
    words = section.split(None, 1)
    return words[1].strip() if len(words) == 2 and words[0] == "profile" else None


def _key_of(line: str) -> str | None:
    """The lower-cased key of a `key = value` (or `key: value`) line; None for comments, blanks, continuations."""
    if not line.strip() or line[0] in " \t" or line.lstrip()[0] in "#;[":
        return None
    cut = min((i for i in (line.find("="), line.find(":")) if i >= 0), default=-1)
    return line[:cut].strip().lower() if cut > 0 else None


def _value_of(line: str) -> str:
    cut = min(i for i in (line.find("="), line.find(":")) if i >= 0)
    return line[cut + 1 :].strip()


@dataclass(frozen=True)
class Stripped:
    """A file's text without the default profile's credentials; `removed`: the keys taken out (names only)."""

    text: str
    removed: tuple[str, ...]


def sources_default(text: str) -> bool:
    """Whether a profile of `text` takes its credentials from the default profile (`source_profile = default`)."""
    return any(_key_of(line) == "source_profile" and _value_of(line) == "default" for line in text.splitlines())


def strip_default(text: str, *, config: bool, outer: bool = False) -> Stripped:
    """`text` (a config file when `config`, else a credentials file) minus the default profile's credential keys
    and their continuation lines. Profiles whose `source_profile = default` now name `OUTER_DEFAULT`; with `outer`
    (some profile in either file does that) the removed lines are kept under that name, so such a profile still
    works inside the session."""
    out: list[str] = []
    moved: list[str] = []
    removed: list[str] = []
    profile: str | None = None
    dropping = False
    for line in text.splitlines(keepends=True):
        section = _section_name(line)
        if section is not None:
            profile = _profile_of(section, config=config)
            dropping = False
            out.append(line)
            continue
        if dropping and line[:1] in (" ", "\t") and line.strip():
            moved.append(line)  # the continuation of a removed value
            continue
        dropping = False
        key = _key_of(line)
        if profile == "default" and key in CREDENTIAL_KEYS:
            dropping = True
            moved.append(line)
            removed.append(key)
            continue
        pointed = key == "source_profile" and profile != "default" and _value_of(line) == "default"
        out.append(f"source_profile = {OUTER_DEFAULT}\n" if pointed else line)
    if outer and moved:
        header = f"[profile {OUTER_DEFAULT}]\n" if config else f"[{OUTER_DEFAULT}]\n"
        if out and not out[-1].endswith("\n"):
            out.append("\n")
        out.append(header)
        out.extend(line if line.endswith("\n") else line + "\n" for line in moved)
    return Stripped("".join(out), tuple(dict.fromkeys(removed)))


def profiles(text: str, *, config: bool) -> dict[str, dict[str, str]]:
    """Every profile of a config or credentials file and its keys (lower-cased), later lines winning."""
    found: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    for line in text.splitlines():
        section = _section_name(line)
        if section is not None:
            name = _profile_of(section, config=config)
            current = found.setdefault(name, {}) if name is not None else None
            continue
        key = _key_of(line)
        if current is not None and key is not None:
            current[key] = _value_of(line)
    return found


@dataclass(frozen=True)
class Source:
    """Where a child's credentials would come from: `kind` (environment, endpoint, profile, web-identity, none)
    and a one-line description that names it without any secret."""

    kind: str
    description: str


def _profile_sources(name: str, place: str, keys: Mapping[str, str]) -> dict[str, Source]:
    """What a profile's keys provide, by botocore provider: assume-role, web-identity, sso, keys, process."""
    label = f"{place} [{name}]"
    found: dict[str, Source] = {}
    if "role_arn" in keys and ("source_profile" in keys or "credential_source" in keys):
        found["assume-role"] = Source("profile", f"{label} assumes {keys['role_arn']}")
    if "web_identity_token_file" in keys and "role_arn" in keys:
        found["web-identity"] = Source("profile", f"{label} has web_identity_token_file")
    if "sso_session" in keys or "sso_start_url" in keys:
        found["sso"] = Source("profile", f"{label} is an IAM Identity Center profile")
    if all(k in keys for k in KEY_PAIR):
        found["keys"] = Source("profile", f"{label} has keys: {', '.join(k for k in keys if k in CREDENTIAL_KEYS)}")
    if "credential_process" in keys:
        found["process"] = Source("profile", f"{label} has credential_process")
    return found


def resolve(env: Mapping[str, str], config_text: str, credentials_text: str) -> Source:
    """The source botocore's default chain would take its credentials from, given a child's environment `env` and
    the texts of the config and credentials files that environment points to (a local walk, no AWS call)."""
    if env.get("AWS_ACCESS_KEY_ID") and env.get("AWS_SECRET_ACCESS_KEY"):
        return Source("environment", "AWS_ACCESS_KEY_ID in the environment")
    name = env.get("AWS_DEFAULT_PROFILE") or env.get("AWS_PROFILE") or "default"
    from_config = _profile_sources(
        name, env.get("AWS_CONFIG_FILE") or "~/.aws/config", profiles(config_text, config=True).get(name, {})
    )
    from_credentials = _profile_sources(
        name,
        env.get("AWS_SHARED_CREDENTIALS_FILE") or "~/.aws/credentials",
        profiles(credentials_text, config=False).get(name, {}),
    )
    if env.get("AWS_ROLE_ARN") and env.get("AWS_WEB_IDENTITY_TOKEN_FILE"):
        from_config.setdefault(
            "web-identity", Source("web-identity", f"AWS_ROLE_ARN={env['AWS_ROLE_ARN']} with a web identity token")
        )
    # botocore's order: assume-role profile, web identity, SSO, credentials-file keys, credential_process, then
    # config-file keys; the container endpoint comes after all of them.
    order: tuple[tuple[str, dict[str, Source], dict[str, Source]], ...] = (
        ("assume-role", from_config, from_credentials),
        ("web-identity", from_config, from_credentials),
        ("sso", from_config, from_credentials),
        ("keys", from_credentials, {}),
        ("process", from_config, from_credentials),
        ("keys", from_config, {}),
    )
    for provider, first, second in order:
        found = first.get(provider) or second.get(provider)
        if found is not None:
            return found
    if env.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"):
        return Source("container", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (a container's credentials)")
    if env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI"):
        return Source("endpoint", env["AWS_CONTAINER_CREDENTIALS_FULL_URI"])
    return Source("none", "no credentials")
