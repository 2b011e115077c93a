"""What the header knows about each IAM Identity Center sign-in (roleui/ui/sign_in.py reads them).

A module of its own: the sign-ins are read after the first screen, and a dataclass costs ~2 ms to create (its
methods are compiled from source), so the first screen does not pay for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class SignInState:
    """One sign-in as the header shows it: valid until `expires_at`, renewable (a refresh token), or signed out."""

    name: str
    expires_at: datetime | None  # None: no usable token
    renewable: bool = False
