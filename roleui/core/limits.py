"""The STS limits (../shared/AWS_NOTES.md), checked before any call so mistakes never reach AWS.

Each `check_*` returns None when the value is fine, else a short reason and what to do as
`(message, hint)`. The catalog validator and the assume engine both use them: one set of rules.
"""

from __future__ import annotations

import re

from roleui.core.models import CHAINED_MAX_DURATION, MAX_DURATION, MIN_DURATION

Finding = tuple[str, str] | None

# Every pattern is used with fullmatch (`$` also matches before a final newline) and spells ASCII digits as
# [0-9] (`\d` also matches fullwidth and other scripts' digits, which AWS does not accept).

ACCOUNT_ID = re.compile(r"[0-9]{12}")
SESSION_NAME = re.compile(r"[\w+=,.@-]*", re.ASCII)
EXTERNAL_ID = re.compile(r"[\w+=,.@:/-]*", re.ASCII)
ROLE_NAME = re.compile(r"[\w+=,.@-]+", re.ASCII)
ROLE_PATH = re.compile(r"/(?:[\x21-\x7e]*/)?")
MFA_ARN = re.compile(r"arn:aws(?:-us-gov|-cn)?:iam::[0-9]{12}:mfa/[\w+=,.@/-]+", re.ASCII)
HARDWARE_SERIAL = re.compile(r"[\w+=/:,.@-]{9,256}", re.ASCII)
TOKEN_CODE = re.compile(r"[0-9]{6}")
# Tags may hold letters of any script (AWS: \p{L}\p{Z}\p{N}), but spaces only as spaces: no newline or tab.
TAG_KEY = re.compile(r"[\w +=,.@:/-]+")
TAG_VALUE = re.compile(r"[\w +=,.@:/-]*")
REGION = re.compile(r"[a-z]{2}(?:-[a-z]+)+-[0-9]+")


def check_account_id(value: str) -> Finding:
    if not ACCOUNT_ID.fullmatch(value):
        return (
            f"{value!r} is not a 12-digit account id",
            'write the id as a quoted string of 12 digits, e.g. "123456789012"',
        )
    return None


def check_role_name(name: str, path: str = "/") -> Finding:
    if not name or len(name) > 64 or not ROLE_NAME.fullmatch(name):
        return (
            f"{name!r} is not a valid role name",
            "use 1-64 characters from letters, digits and + = , . @ _ -",
        )
    if not ROLE_PATH.fullmatch(path) or len(path) > 512:
        return f"{path!r} is not a valid IAM path", "start and end the path with '/', e.g. \"/ops/\""
    path_and_name = f"{path.strip('/')}/{name}" if path.strip("/") else name
    if len(path_and_name) > 64:
        return (
            f"path and name together are {len(path_and_name)} characters",
            "keep path+name within 64 characters (the console's switch-role limit)",
        )
    return None


def check_duration(seconds: int, *, chained: bool = False) -> Finding:
    if seconds < MIN_DURATION or seconds > MAX_DURATION:
        return (
            f"{seconds} s is outside 900..43200 s",
            'choose between "15m" and "12h"',
        )
    if chained and seconds > CHAINED_MAX_DURATION:
        return (
            f"{seconds} s exceeds the 1 h limit for roles assumed by chaining",
            'use at most "1h" for a role with `via` (AWS caps chained sessions at 1 h)',
        )
    return None


def check_session_name(value: str) -> Finding:
    if not 2 <= len(value) <= 64 or not SESSION_NAME.fullmatch(value):
        return (
            f"{value!r} is not a valid session name",
            "use 2-64 characters from letters, digits and + = , . @ _ - (no spaces)",
        )
    return None


def clean_session_name(value: str) -> str:
    """Map anything to a valid RoleSessionName: invalid characters become '-', cut to 64, padded to 2."""
    cleaned = re.sub(r"[^\w+=,.@-]", "-", value, flags=re.ASCII)[:64]
    return cleaned if len(cleaned) >= 2 else (cleaned + "--")[:2] if cleaned else "roleui"


def check_external_id(value: str) -> Finding:
    if not 2 <= len(value) <= 1224 or not EXTERNAL_ID.fullmatch(value):
        return (
            "the ExternalId is not valid",
            "use 2-1224 characters from letters, digits and + = , . @ : / _ -",
        )
    return None


def check_source_identity(value: str) -> Finding:
    if value.lower().startswith("aws:"):
        return f"{value!r} starts with 'aws:'", "choose a source identity that does not start with 'aws:'"
    if not 2 <= len(value) <= 256 or not SESSION_NAME.fullmatch(value):
        return (
            f"{value!r} is not a valid source identity",
            "use 2-256 characters from letters, digits and + = , . @ _ -",
        )
    return None


def check_mfa_serial(value: str) -> Finding:
    if ":u2f/" in value:
        return (
            f"{value!r} is a FIDO/U2F security key, which AssumeRole cannot use (it has no 6-digit code)",
            "register a virtual or hardware TOTP MFA device and use its ARN (arn:aws:iam::ACCOUNT:mfa/NAME)",
        )
    if value.startswith("arn:"):
        if not MFA_ARN.fullmatch(value) or len(value) > 256:
            return f"{value!r} is not an MFA device ARN", "write it as arn:aws:iam::123456789012:mfa/NAME"
        return None
    if not HARDWARE_SERIAL.fullmatch(value):
        return (
            f"{value!r} is not an MFA serial",
            "use the device ARN (arn:aws:iam::123456789012:mfa/NAME) or a 9-256 character hardware serial",
        )
    return None


def check_token_code(value: str) -> Finding:
    if not TOKEN_CODE.fullmatch(value):
        return "the MFA code must be exactly 6 digits", "type the 6-digit code your MFA device shows"
    return None


def check_tags(tags: dict[str, str], transitive: tuple[str, ...] | list[str] = ()) -> Finding:
    if len(tags) > 50:
        return f"{len(tags)} session tags", "AWS allows at most 50 session tags"
    seen: set[str] = set()
    for key, value in tags.items():
        if not 1 <= len(key) <= 128 or not TAG_KEY.fullmatch(key):
            return (
                f"tag key {key!r} is not valid",
                "use 1-128 characters from letters, digits, spaces and + = , . @ : / _ -",
            )
        if key.lower().startswith("aws:"):
            return f"tag key {key!r} starts with 'aws:'", "AWS reserves the 'aws:' prefix: choose another key"
        if key.lower() in seen:
            return f"tag key {key!r} appears twice (tag keys are case-insensitive)", "keep one of them"
        seen.add(key.lower())
        if len(value) > 256 or not TAG_VALUE.fullmatch(value):
            return (
                f"tag {key!r} has an invalid value",
                "use 0-256 characters from letters, digits, spaces and + = , . @ : / _ -",
            )
    if len(transitive) > 50:
        return f"{len(transitive)} transitive tag keys", "AWS allows at most 50 transitive tag keys"
    for key in transitive:
        if key.lower() not in seen:
            return (
                f"transitive tag key {key!r} is not one of the session tags",
                f"add {key!r} to session_tags or remove it here",
            )
    return None


def check_region(value: str) -> Finding:
    if not REGION.fullmatch(value):
        return f"{value!r} is not an AWS region", 'write a region code such as "eu-west-1"'
    return None
