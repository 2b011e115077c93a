"""The status files credential endpoints keep (one per served child): which role, until when, whose process.

The endpoint (roleui/aws/credential_server.py) rewrites its file after every renewal; `roleui status` reads the
one its shell names (ROLEUI_STATUS_FILE) and the UI reads them all to mark the sessions a subshell keeps alive.
No secret in them: role, account, expiry, colour, pid and the last renewal error. The format is `key=value` lines,
not JSON: the prompt's fast door must not pay for importing json (and its re/enum) on every prompt.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from roleui.core.files import write_atomic
from roleui.core.paths import cache_dir
from roleui.core.timefmt import format_time, parse_time

STATUS_DIR = "endpoints"


def status_dir() -> Path:
    return cache_dir() / STATUS_DIR


@dataclass(frozen=True, slots=True)
class EndpointStatus:
    role_key: str
    account_id: str
    expiration: datetime
    color: str | None = None
    pid: int = 0
    error: str | None = None

    def to_text(self) -> bytes:
        account, _, role_name = self.role_key.rpartition("/")  # role names hold no slash
        fields = {
            "role": self.role_key,
            "account": account,
            "role_name": role_name,
            "account_id": self.account_id,
            "expiration": format_time(self.expiration),
            "color": self.color or "",
            "pid": str(self.pid),
            "error": self.error or "",
        }
        return "".join(f"{k}={_one_line(v)}\n" for k, v in fields.items()).encode()


def _one_line(value: str) -> str:
    return " ".join(value.splitlines())


def parse_status(text: str) -> dict[str, str]:
    """The fields of a status file (what roleui/fast/status.py reads without this module)."""
    return dict(line.partition("=")[::2] for line in text.splitlines() if "=" in line)


def write_status(path: Path, status: EndpointStatus) -> None:
    write_atomic(str(path), status.to_text())


def read_status(path: Path) -> EndpointStatus | None:
    try:
        data = parse_status(path.read_text(encoding="utf-8"))
        return EndpointStatus(
            role_key=data["role"],
            account_id=data["account_id"],
            expiration=parse_time(data["expiration"]),
            color=data.get("color") or None,
            pid=int(data.get("pid") or 0),
            error=data.get("error") or None,
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True


def live_endpoints(directory: Path | None = None) -> dict[str, EndpointStatus]:
    """Role key -> status of every endpoint whose process still runs (the latest expiry when several serve a role)."""
    found: dict[str, EndpointStatus] = {}
    try:
        paths = [Path(entry.path) for entry in os.scandir(directory or status_dir()) if entry.name.endswith(".status")]
    except OSError:
        return found
    for path in paths:
        status = read_status(path)
        if status is None or not _alive(status.pid):
            continue  # a roleui killed before it could remove its file; prune_dead() removes it
        known = found.get(status.role_key)
        if known is None or status.expiration > known.expiration:
            found[status.role_key] = status
    return found


def prune_dead(directory: Path | None = None) -> None:
    """Remove the files of endpoints whose process is gone (killed before it could clean up)."""
    try:
        paths = [Path(entry.path) for entry in os.scandir(directory or status_dir()) if entry.name.endswith(".status")]
    except OSError:
        return
    for path in paths:
        status = read_status(path)
        if status is not None and not _alive(status.pid):
            try:  # noqa: SIM105 - one call, no contextlib import for it
                path.unlink()
            except OSError:
                pass
