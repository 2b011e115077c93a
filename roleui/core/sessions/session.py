"""An assumed-role session: temporary credentials, whose role they are, and when they expire.

The secret parts never appear in `repr()`, so a session can be logged or shown in a traceback-free error
without leaking. Expiry maths takes `now` so countdowns are testable without sleeping.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from roleui.core.frozen_record import FrozenRecord, record


@record
class Credentials(FrozenRecord):
    """A set of AWS keys; the secret and the token never appear in its repr."""

    _hidden = ("secret_access_key", "session_token")
    access_key_id: str
    secret_access_key: str
    session_token: str | None
    expiration: datetime | None  # aware, UTC; None for long-lived keys

    def __init__(
        self,
        access_key_id: str,
        secret_access_key: str,
        session_token: str | None = None,
        expiration: datetime | None = None,
    ) -> None:
        self._init(access_key_id, secret_access_key, session_token, expiration)


@dataclass(frozen=True, slots=True)
class Session:
    """Credentials of an assumed role, plus what the environment and the UI need to describe them."""

    role_key: str  # "account-name/RoleName"
    role_arn: str
    account_id: str
    assumed_role_arn: str  # arn:aws:sts::ACCT:assumed-role/ROLE/SESSION
    session_name: str
    credentials: Credentials
    region: str | None = None
    chained: bool = False  # assumed with another role's credentials: 1 h cap, no SessionDuration on federation
    issued_at: datetime | None = None
    scope: str | None = None  # the session policy's label (`read-only`, `custom`...); None = the role's full rights

    @property
    def expiration(self) -> datetime:
        assert self.credentials.expiration is not None
        return self.credentials.expiration

    def seconds_left(self, now: datetime) -> float:
        return (self.expiration - now).total_seconds()

    def is_expired(self, now: datetime) -> bool:
        return self.seconds_left(now) <= 0
