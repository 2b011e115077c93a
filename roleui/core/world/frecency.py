"""Favorites and frecency (how often and how recently each role was assumed), kept in the user data dir.

Frecency is a decaying count: every use adds 1 and the total halves every `HALF_LIFE` (a week), so a role used
daily outranks one used a lot last month. Each change re-reads the file under a lock, applies itself and writes
atomically (temp file + rename), so two roleui windows never lose each other's updates or leave half a file.
A corrupt file is reported through `warn` and replaced on the next change; it never stops the UI.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

from roleui.core.clock import Clock, utc_now
from roleui.core.paths import data_dir
from roleui.core.private_files import UnsafePathError, private_dir, read_private, write_private

HALF_LIFE = timedelta(days=7)
FILE_NAME = "usage.json"
_VERSION = 1


class Use(NamedTuple):
    """How a role has been used: `score` is the frecency as of `last`."""

    times: int
    score: float
    last: datetime

    def frecency(self, now: datetime) -> float:
        elapsed = max((now - self.last).total_seconds(), 0.0)
        decay: float = 0.5 ** (elapsed / HALF_LIFE.total_seconds())
        return self.score * decay


class Usage:
    """Favorites and uses by role key ("account/Role"). Reads once at start; every change is saved at once."""

    def __init__(
        self, path: Path | None = None, *, clock: Clock = utc_now, warn: Callable[[str], None] | None = None
    ) -> None:
        self.path = path if path is not None else data_dir() / FILE_NAME
        self._clock = clock
        self._warn = warn
        self.favorites: set[str] = set()
        self.uses: dict[str, Use] = {}
        self._apply(self._read())

    def is_favorite(self, key: str) -> bool:
        return key in self.favorites

    def toggle_favorite(self, key: str) -> bool:
        """Flip the favorite mark of a role; returns whether it is a favorite now."""
        wanted = key not in self.favorites

        def change(state: dict[str, Any]) -> None:
            favorites = [k for k in state["favorites"] if k != key]
            state["favorites"] = [*favorites, key] if wanted else favorites

        self._update(change)
        return wanted

    def record_use(self, key: str) -> None:
        """A role was assumed now: its count and frecency grow."""
        now = self._clock()

        def change(state: dict[str, Any]) -> None:
            old = _use_from_json(state["uses"].get(key))
            score = (old.frecency(now) if old else 0.0) + 1.0
            count = (old.times if old else 0) + 1
            state["uses"][key] = {"count": count, "score": score, "last": now.isoformat()}

        self._update(change)

    def frecency(self, key: str) -> float:
        use = self.uses.get(key)
        return use.frecency(self._clock()) if use else 0.0

    def frecencies(self) -> dict[str, float]:
        now = self._clock()
        return {key: use.frecency(now) for key, use in self.uses.items()}

    def last_used(self, key: str) -> datetime | None:
        use = self.uses.get(key)
        return use.last if use else None

    def _update(self, change: Callable[[dict[str, Any]], None]) -> None:
        from filelock import FileLock  # only when writing: it costs ~9 ms of import before the first screen

        private_dir(self.path.parent)
        with FileLock(str(self.path) + ".lock", timeout=5, mode=0o600):
            state = self._read()
            change(state)
            self._write(state)
        self._apply(state)

    def _read(self) -> dict[str, Any]:
        empty: dict[str, Any] = {"version": _VERSION, "favorites": [], "uses": {}}
        try:
            text = read_private(self.path).decode("utf-8")
        except FileNotFoundError:
            return empty
        except (OSError, ValueError, UnsafePathError) as error:
            self._say(
                f"cannot read {self.path}: {getattr(error, 'strerror', None) or error} — favorites and frecency start empty"
            )
            return empty
        import json  # here, not at the top: the first screen of a new user has no file to read

        try:
            state = json.loads(text)
            if not isinstance(state, dict):
                raise TypeError("not an object")
            favorites = [k for k in state.get("favorites", []) if isinstance(k, str)]
            uses = {k: v for k, v in dict(state.get("uses", {})).items() if _use_from_json(v) is not None}
        except (ValueError, TypeError, AttributeError, RecursionError) as error:
            self._say(f"{self.path} is corrupt ({error}) — favorites and frecency start empty")
            return empty
        return {"version": _VERSION, "favorites": favorites, "uses": uses}

    def _write(self, state: dict[str, Any]) -> None:
        import json

        write_private(self.path, json.dumps(state, indent=1, sort_keys=True).encode("utf-8"))

    def _apply(self, state: dict[str, Any]) -> None:
        self.favorites = set(state["favorites"])
        self.uses = {k: use for k, v in state["uses"].items() if (use := _use_from_json(v)) is not None}

    def _say(self, message: str) -> None:
        if self._warn is not None:
            self._warn(message)


def _use_from_json(value: object) -> Use | None:
    if not isinstance(value, dict):
        return None
    try:
        last = datetime.fromisoformat(str(value["last"]))
        if last.tzinfo is None:
            return None
        return Use(times=int(value["count"]), score=float(value["score"]), last=last)
    except (KeyError, ValueError, TypeError):
        return None
