"""Following the caches other processes change while the app runs: `roleui logout`, `login` or `forget` in a
subshell of the app or in another terminal.

The header's sign-ins come from the SSO token cache and the rows' sessions from the session cache; both are read
again when the app resumes from a subshell and on a cheap periodic check (a few small files, in a worker). A
session no longer in the cache (logout forgets the permission-set sessions of its sign-in) stops counting down; a
newer one (renewed elsewhere) replaces the one shown; one assumed elsewhere appears.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from roleui.ui.state import Active, RowState

if TYPE_CHECKING:
    from roleui.core.sessions.session import Session

CHECK_SECONDS = 30.0  # how often the app reads the caches again by itself (on the injected clock)


def shown_sessions(states: Mapping[str, RowState]) -> dict[str, Session]:
    """What the rows show before a read of the cache starts: role key -> the session object. Only these may be
    dropped by that read (a session that lands while it runs is newer than what it read)."""
    return {key: state.session for key, state in states.items() if isinstance(state, Active)}


def follow_cache(
    states: dict[str, RowState], cached: Iterable[Session], shown: Mapping[str, Session], now: datetime
) -> set[str]:
    """Bring the rows' sessions in line with the cache as read (`cached`: its unexpired sessions); `shown` is
    `shown_sessions` from when the read started. Returns the role keys whose state changed.

    An expired session stays shown (saying so) until forgotten or refreshed, as always."""
    latest: dict[str, Session] = {}
    for session in cached:
        if session.role_key not in latest or session.expiration > latest[session.role_key].expiration:
            latest[session.role_key] = session
    changed: set[str] = set()
    for key, state in list(states.items()):
        if not isinstance(state, Active):
            continue
        found = latest.get(key)
        if found is None:
            if shown.get(key) is state.session and not state.session.is_expired(now):
                del states[key]  # forgotten by another process
                changed.add(key)
        elif found.expiration > state.session.expiration:
            states[key] = Active(found, state.kept_alive)
            changed.add(key)
    for key, session in latest.items():
        if key not in states:
            states[key] = Active(session)
            changed.add(key)
    return changed
