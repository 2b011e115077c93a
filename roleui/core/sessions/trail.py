"""The trail: a private, append-only log of every credential roleui obtains or hands out (`roleui history`).

One JSON object per line in `<data dir>/trail/history.jsonl` (0600 in a 0700 directory, never through a symlink):
each assume (and its result), each renewal by a credential endpoint, each Identity Center sign-in, each console
sign-in, and each session handed to a child (exec, shell, credential-process, env). A line holds the time, the
event, the role ARN and key, the session name, the access key id, the scope, the reason, the command or child and
the result — never a secret key, session token, ExternalId or MFA code. roleui only appends; past 1 MiB the file
is rotated (history.1.jsonl ... history.3.jsonl, the oldest dropped). Writing never fails the action it records:
a trail that cannot be written is skipped (`roleui doctor` is where private files are audited). Which lines
`roleui history` shows is trail_search.py's part.

Each session's CloudTrail event history is one link away (`event_history_url`), filtered by its access key id.
The console's URL form (`/cloudtrail/home?region=R#/events?AccessKeyId=ID`) is the one the console itself opens;
AWS documents the attribute name (`AccessKeyId`, CloudTrail's LookupAttribute) but not the fragment.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from collections.abc import Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from roleui.core.paths import data_dir
from roleui.core.private_files import check_private_file, private_dir, read_private
from roleui.core.timefmt import format_time

MAX_BYTES = 1024 * 1024
KEEP = 3  # rotated files kept
FIELDS = (
    "time",
    "event",
    "role_key",
    "role_arn",
    "session_name",
    "source_identity",
    "access_key_id",
    "expiration",
    "scope",
    "reason",
    "command",
    "child",
    "region",
    "result",
)
EVENTS = ("assume", "renewal", "sign-in", "console", "handed", "revoke")
COMMAND = "roleui"  # the command that runs (set by roleui/commands/session_args.py, "ui" by the UI)

_context = threading.local()


def trail_path() -> Path:
    return data_dir() / "trail" / "history.jsonl"


@contextlib.contextmanager
def acting(event: str, child: str | None = None) -> Iterator[None]:
    """Records made in this thread inside the block are of `event` (a renewal by an endpoint, for its child)."""
    before = getattr(_context, "value", None)
    _context.value = (event, child)
    try:
        yield
    finally:
        _context.value = before


def current_event(default: str = "assume") -> tuple[str, str | None]:
    value: tuple[str, str | None] | None = getattr(_context, "value", None)
    return value if value is not None else (default, None)


def _clean(value: object) -> object:
    if isinstance(value, datetime):
        return format_time(value)
    if isinstance(value, str):
        return "".join(ch if ch.isprintable() else " " for ch in value)[:1024]
    return value


def record(event: str, now: datetime, path: Path | None = None, **fields: object) -> None:
    """Append one line; unknown field names are refused (no secret can slip in under another name)."""
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValueError(f"not a trail field: {sorted(unknown)}")
    entry: dict[str, object] = {"time": format_time(now), "event": event, "command": COMMAND}
    entry.update({k: _clean(v) for k, v in fields.items() if v is not None})
    line = (json.dumps(entry, ensure_ascii=False) + "\n").encode()
    with contextlib.suppress(OSError, ValueError):  # never fails the action it records
        _append(path or trail_path(), line)


def _append(path: Path, line: bytes) -> None:
    from roleui.core.errors import RoleuiError

    try:
        private_dir(path.parent)
        _rotate(path)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
        try:
            check_private_file(path, fd)
            os.write(fd, line)  # one write of one line: appends of concurrent roleuis never interleave
        finally:
            os.close(fd)
    except RoleuiError:
        return  # a foreign or symlinked trail is not written (nor trusted when read)


def _rotate(path: Path) -> None:
    try:
        if path.stat().st_size < MAX_BYTES:
            return
    except FileNotFoundError:
        return
    for index in range(KEEP, 0, -1):
        older = path.with_name(f"{path.stem}.{index}{path.suffix}")
        newer = path if index == 1 else path.with_name(f"{path.stem}.{index - 1}{path.suffix}")
        with contextlib.suppress(FileNotFoundError):
            os.replace(newer, older)


def read_entries(path: Path | None = None) -> list[dict[str, Any]]:
    """Every readable line of the trail and its rotated files, oldest first; damaged lines are skipped."""
    from roleui.core.errors import RoleuiError

    path = path or trail_path()
    files = [path.with_name(f"{path.stem}.{i}{path.suffix}") for i in range(KEEP, 0, -1)] + [path]
    entries: list[dict[str, Any]] = []
    for file in files:
        try:
            data = read_private(file, MAX_BYTES * 2)
        except (OSError, ValueError, RoleuiError):
            continue
        for raw in data.splitlines():
            try:
                entry = json.loads(raw)
            except ValueError:
                continue
            if isinstance(entry, dict) and isinstance(entry.get("time"), str) and isinstance(entry.get("event"), str):
                entries.append(entry)
    return entries


CONSOLE_HOSTS = {
    "aws": "console.aws.amazon.com",
    "aws-us-gov": "console.amazonaws-us-gov.com",
    "aws-cn": "console.amazonaws.cn",
}
DEFAULT_REGIONS = {"aws": "us-east-1", "aws-us-gov": "us-gov-west-1", "aws-cn": "cn-north-1"}


def partition_of_arn(arn: str) -> str:
    parts = arn.split(":")
    return parts[1] if len(parts) > 2 and parts[1] in CONSOLE_HOSTS else "aws"


def event_history_url(access_key_id: str, *, region: str | None, partition: str = "aws") -> str:
    """The CloudTrail console's event history of one region, filtered by the access key id a session signed with."""
    region = region or DEFAULT_REGIONS.get(partition, "us-east-1")
    host = CONSOLE_HOSTS.get(partition, CONSOLE_HOSTS["aws"])
    return (
        f"https://{quote(region, safe='')}.{host}/cloudtrail/home?region={quote(region, safe='')}"
        f"#/events?AccessKeyId={quote(access_key_id, safe='')}"
    )


def trail_link(entry: Mapping[str, Any]) -> str | None:
    key = entry.get("access_key_id")
    if not isinstance(key, str) or not key:
        return None
    region = entry.get("region") if isinstance(entry.get("region"), str) else None
    return event_history_url(key, region=region, partition=partition_of_arn(str(entry.get("role_arn", ""))))
