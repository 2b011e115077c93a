"""How far one discovery may go: an overall deadline, pages per listing and items in all.

Organizations and the Identity Center portal page their listings with a next token. An endpoint that always
answers one (broken, or hostile: AWS_ENDPOINT_URL_* pointing elsewhere) made `discover` run until killed, its memory
growing with every page. So each discovery stops, with one line and without touching the last good cache, when:
- a listing answers a next token it already gave (a loop), or more than MAX_PAGES pages;
- more than MAX_ITEMS items (accounts, OUs, tags, permission sets) have arrived in all;
- it has run DEADLINE seconds.
The limits are far above the largest real organization (AWS's quota is 10,000 accounts by default; 50,000 at 20
per page is 2,500 pages of one listing).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from roleui.core.errors import EXIT_FAILURE, EXIT_NETWORK, RoleuiError

MAX_PAGES = 10_000  # of one listing
MAX_ITEMS = 500_000  # of one discovery, all listings together
DEADLINE = 30 * 60.0  # seconds for one discovery


class DiscoveryLimits:
    """The budget of one discovery of `what` ("AWS Organizations", "Identity Center acme"); thread-safe."""

    def __init__(self, what: str, monotonic: Callable[[], float]) -> None:
        self.what = what
        self.monotonic = monotonic
        self.started = monotonic()
        self.items = 0
        self._lock = threading.Lock()

    def _stop(self, why: str, exit_code: int) -> RoleuiError:
        return RoleuiError(
            f"{self.what} discovery stopped: {why} — the last good cache is kept; run `roleui discover` again later, "
            "and check AWS_ENDPOINT_URL_* if it keeps happening",
            exit_code=exit_code,
        )

    def page(self, listing: str, number: int, token: object, seen: set[str], items: int) -> None:
        """After page `number` (1-based) of `listing` brought `items` items and next `token`; RoleuiError to stop."""
        if self.monotonic() - self.started > DEADLINE:
            raise self._stop(f"it ran longer than {int(DEADLINE // 60)} minutes", EXIT_NETWORK)
        with self._lock:
            self.items += items
            total = self.items
        if total > MAX_ITEMS:
            raise self._stop(f"more than {MAX_ITEMS:,} items arrived", EXIT_FAILURE)
        if not token:
            return
        if not isinstance(token, str) or token in seen:
            raise self._stop(f"{listing} answered a next token it had already given (it would never end)", EXIT_FAILURE)
        seen.add(token)
        if number >= MAX_PAGES:
            raise self._stop(f"{listing} went on past {MAX_PAGES:,} pages", EXIT_FAILURE)
