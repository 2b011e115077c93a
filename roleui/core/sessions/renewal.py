"""When a role session is due for renewal: the one rule the credential endpoint and `credential-process` share.

botocore's RefreshableCredentials ask their provider again 15 minutes before expiry (advisory) and insist at 10
(mandatory); a provider that hands out a session with 15 minutes or less left is asked again on every call. So
roleui renews before that: 15 minutes before expiry, at most half the session's lifetime (a 15-minute session would
otherwise be renewed on every request), never under the catalog's `cache_margin`. Pure: no boto3.
"""

from __future__ import annotations

from datetime import datetime

from roleui.core.sessions.session import Session

SDK_ADVISORY_REFRESH = 15 * 60  # botocore asks again this long before expiry (RefreshableCredentials)
DEFAULT_LIFETIME = 3600  # when a session does not say when it was issued


def refresh_margin(session: Session, cache_margin: int) -> int:
    """How close to expiry `session` is renewed: the SDKs' 15 minutes, at most half the session's lifetime, never
    under the catalog's margin."""
    lifetime = int(session.seconds_left(session.issued_at)) if session.issued_at is not None else DEFAULT_LIFETIME
    return max(cache_margin, min(SDK_ADVISORY_REFRESH, lifetime // 2))


def due_for_renewal(session: Session, now: datetime, cache_margin: int) -> bool:
    """True when `session` has `refresh_margin` or less left."""
    return session.seconds_left(now) <= refresh_margin(session, cache_margin)
