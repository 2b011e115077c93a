"""An MFA session: GetSessionToken with a device code, reused by every role that needs that device until it expires.

Apart from the credential cache (credcache.py) that stores it, which every assume reads: only a role that needs
an MFA device builds this class.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from roleui.core.sessions.session import Credentials


@dataclass(frozen=True, slots=True)
class MfaSession:
    """An MFA session (GetSessionToken with a device code): reused by every role that needs that device."""

    serial: str
    base: str
    credentials: Credentials

    @property
    def expiration(self) -> datetime:
        assert self.credentials.expiration is not None
        return self.credentials.expiration
