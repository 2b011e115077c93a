"""RFC 3339 timestamps as credential files, credential_process and AWS_CREDENTIAL_EXPIRATION want them.

Kept tiny (only `datetime`): the credential-process fast path imports it.
"""

from __future__ import annotations

from datetime import UTC, datetime


def format_time(value: datetime) -> str:
    """RFC 3339 in UTC with a Z, whole seconds: `2026-01-31T12:00:00Z`."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text: str) -> datetime:
    """RFC 3339 / ISO 8601, with or without microseconds (moto adds them), Z or an offset; always aware UTC.
    A `UTC` suffix (`2026-12-02T10:00:00UTC`, the `expiresAt` of older AWS CLI v2 token caches) is read as Z."""
    if text.endswith("UTC"):
        text = text[:-3] + "Z"
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)


def format_countdown(seconds: float) -> str:
    """`59m 12s`, `11h 03m`, `42s`, or `expired`: short enough for a list column."""
    if seconds <= 0:
        return "expired"
    s = int(seconds)
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    if h:
        return f"{h}h {m:02d}m"
    if m:
        return f"{m}m {sec:02d}s"
    return f"{sec}s"
