"""What the UI says when it runs on the demo's embedded local AWS: the DEMO badge and the demo's notes."""

from __future__ import annotations

from typing import NamedTuple


class DemoInfo(NamedTuple):
    """Given to the app by `roleui demo`: `note` goes into the help screen, `mfa_note` into the MFA modal."""

    note: str
    mfa_note: str
