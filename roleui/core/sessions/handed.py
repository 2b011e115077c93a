"""Sessions handed to a tool or an agent: the registry of live named children, their limits, and revocation.

`roleui exec --name NAME [--for 30m] [--scope read-only] -- CMD` registers its child here: one 0600 JSON file per
name in `<data dir>/children/` (a 0700 directory) with the roleui pid that serves it, the role, the scope, the
endpoint's port (never its token) and the time after which the session is no longer renewed. `roleui sessions`
lists the live ones (a file whose pid is gone is removed); `roleui revoke NAME` marks the file revoked, and the
endpoint, which reads its file on every request, refuses from then on with a message the child's SDK shows.

Pure (no boto3, no HTTP): the endpoint side is a `gate` and a renewal wrapper (`limited_renewal`) that
roleui/aws/credential_server.py is given.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from roleui.core import limits
from roleui.core.durations import format_duration
from roleui.core.errors import RoleuiError, UsageError
from roleui.core.paths import data_dir
from roleui.core.private_files import check_private_dir, read_private, write_private
from roleui.core.sessions import trail
from roleui.core.sessions.session import Session
from roleui.core.timefmt import format_time, parse_time


@dataclass(frozen=True)
class Child:
    """One named child that a roleui process serves credentials to."""

    name: str
    pid: int
    role_key: str
    role_arn: str
    scope: str | None
    port: int | None
    started: str
    until: str | None = None  # no renewal after this time (--for)
    revoked: str | None = None  # when `roleui revoke NAME` was run
    command: str = ""


def children_dir() -> Path:
    return data_dir() / "children"


def check_name(name: str) -> None:
    """A child's name goes into its session name: the same characters and length (2-64, no spaces)."""
    finding = limits.check_session_name(name)
    if finding is not None:
        raise UsageError(f"--name {name!r}: {finding[0]} — {finding[1]}")


def _path(name: str, directory: Path | None = None) -> Path:
    return (directory or children_dir()) / f"{name}.json"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def load_child(name: str, directory: Path | None = None) -> Child | None:
    try:
        data = json.loads(read_private(_path(name, directory)))
        return Child(**{k: data[k] for k in Child.__dataclass_fields__ if k in data})
    except (OSError, ValueError, TypeError, RoleuiError):
        return None  # missing or damaged: absent


def save_child(child: Child, directory: Path | None = None) -> None:
    write_private(_path(child.name, directory), json.dumps(asdict(child)).encode())


def register(child: Child, directory: Path | None = None) -> None:
    """Record a new live child; UsageError when a live one already has the name."""
    check_name(child.name)
    held = load_child(child.name, directory)
    if held is not None and held.pid != child.pid and _alive(held.pid):
        raise UsageError(
            f"a session named {child.name} is live (roleui pid {held.pid}, {held.role_key}) — choose another --name, "
            f"or `roleui revoke {child.name}`"
        )
    save_child(child, directory)


def unregister(name: str, pid: int, directory: Path | None = None) -> None:
    held = load_child(name, directory)
    if held is not None and held.pid == pid:
        with contextlib.suppress(OSError):
            _path(name, directory).unlink()


def live_children(directory: Path | None = None) -> list[Child]:
    """The children whose roleui still runs (files of ended ones are removed), by name."""
    directory = directory or children_dir()
    try:
        check_private_dir(directory)
        names = sorted(p.stem for p in directory.glob("*.json"))
    except (OSError, RoleuiError):
        return []
    found = []
    for name in names:
        child = load_child(name, directory)
        if child is None:
            continue
        if _alive(child.pid):
            found.append(child)
        else:
            with contextlib.suppress(OSError):
                _path(name, directory).unlink()
    return found


def revoke(name: str, now: datetime, directory: Path | None = None) -> Child:
    """Mark the live child `name` revoked: its endpoint refuses every request from now on."""
    child = load_child(name, directory)
    if child is None or not _alive(child.pid):
        live = ", ".join(c.name for c in live_children(directory)) or "none"
        raise UsageError(f"no live session named {name!r} (live: {live}) — see `roleui sessions`")
    revoked = replace(child, revoked=format_time(now))
    save_child(revoked, directory)
    trail.record("revoke", now, role_key=child.role_key, role_arn=child.role_arn, scope=child.scope, child=name)
    return revoked


def refusal(name: str, directory: Path | None = None) -> str | None:
    """Why the endpoint of child `name` must refuse now (revoked), else None. Read on every request: a revoke in
    another process takes effect at the child's next credential request."""
    child = load_child(name, directory)
    if child is None or child.revoked is None:
        return None
    return (
        f"roleui revoked the session {name} ({child.role_key}) at {child.revoked}: no more credentials are handed "
        "out — ask its owner for a new session"
    )


def limited_renewal(
    renew: Callable[[Session], Session], name: str, until: datetime | None, clock: Callable[[], datetime]
) -> Callable[[Session], Session]:
    """`renew` that refuses after `until` (--for) and records each renewal in the trail under the child's name."""

    def limited(held: Session) -> Session:
        if until is not None and clock() >= until:
            raise RoleuiError(
                f"the session {name} was handed out until {format_time(until)} (--for): roleui does not renew it — "
                "ask its owner for a new session"
            )
        with trail.acting("renewal", child=name):
            return renew(held)

    return limited


def deadline(started: datetime, seconds: int | None) -> datetime | None:
    from datetime import timedelta

    return None if seconds is None else started + timedelta(seconds=seconds)


def describe(child: Child, now: datetime) -> dict[str, Any]:
    """A child as `roleui sessions --json` shows it."""
    data = asdict(child)
    if child.until is not None:
        with contextlib.suppress(ValueError):
            data["renews_for"] = format_duration(max(0, int((parse_time(child.until) - now).total_seconds())))
    return data


def record_handed(session: Session, *, child: str | None = None, now: datetime | None = None) -> None:
    """The trail's line for a session given to a child process (exec, shell, credential-process, env)."""
    from roleui.core.clock import utc_now

    trail.record(
        "handed",
        now or utc_now(),
        role_key=session.role_key,
        role_arn=session.role_arn,
        session_name=session.session_name,
        access_key_id=session.credentials.access_key_id,
        expiration=session.expiration,
        scope=session.scope,
        child=child,
        region=session.region,
        result="ok",
    )
