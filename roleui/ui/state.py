"""What the UI knows about each role's session: assuming, failed, or a session with an absolute expiry.

Countdowns are never stored: every draw computes the time left from the session's expiry and the injected
clock, so a timer that did not tick (a subshell blocked the app, the machine slept) cannot leave a stale figure.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Literal, NamedTuple

from roleui.core.timefmt import format_countdown

if TYPE_CHECKING:
    from roleui.core.sessions.session import Session

WARNING_SECONDS = 15 * 60  # the countdown turns to the warning color
CRITICAL_SECONDS = 5 * 60  # ... to the critical color, and a notification says so once

KEPT_ALIVE_MARK = "⟳"  # a subshell's credential endpoint renews this session
SCOPED_MARK = "◇"  # a session with a session policy (`--scope`): it can do less than the role

Level = Literal["ok", "warning", "critical", "expired"]


class Assuming(NamedTuple):
    """A thread worker is assuming the role; `refresh` when it ignores the cache."""

    refresh: bool = False


class Failed(NamedTuple):
    """The last assume failed; `message` is the engine's one-line message (never a secret)."""

    message: str


class Active(NamedTuple):
    """A session the UI assumed or found in the engine's cache; `kept_alive` while a credential endpoint (a
    subshell's) renews it."""

    session: Session
    kept_alive: bool = False


RowState = Assuming | Failed | Active


def level(seconds_left: float) -> Level:
    if seconds_left <= 0:
        return "expired"
    if seconds_left < CRITICAL_SECONDS:
        return "critical"
    if seconds_left < WARNING_SECONDS:
        return "warning"
    return "ok"


def describe(state: RowState | None, now: datetime) -> tuple[str, str]:
    """The session column of a role: its text and a style name (none, assuming, failed, or a countdown level)."""
    if state is None:
        return "", "none"
    if isinstance(state, Assuming):
        return ("refreshing…" if state.refresh else "assuming…"), "assuming"
    if isinstance(state, Failed):
        return "failed", "failed"
    left = state.session.seconds_left(now)
    text = format_countdown(left)
    marks = (KEPT_ALIVE_MARK if state.kept_alive else "") + (SCOPED_MARK if state.session.scope else "")
    return (f"{marks} {text}" if marks else text), level(left)
