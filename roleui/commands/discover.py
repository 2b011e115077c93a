"""`roleui discover`: read the AWS Organization now (OU tree, accounts, tags), rewrite the cache, summarise.

Progress goes to stderr: one live, rewritten line on a terminal; plain lines at most every few seconds
otherwise (CI logs, pipes). The summary goes to stdout. Exit 0 when complete, 1 when some OU could not be
listed (the rest was written; the failed part kept from the previous cache), the usual statuses otherwise.
`ProgressLine` is also what `roleui list --refresh` can hand to `refresh_world` as `progress` and `warn`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from collections.abc import Callable
from typing import TextIO

from roleui.core.errors import EXIT_FAILURE, EXIT_OK, UsageError
from roleui.core.text import terminal_safe

PLAIN_INTERVAL = 2.0  # seconds between plain progress lines
MAX_WORKERS = 32


class ProgressLine:
    """Progress on a stream: a live line redrawn in place on a terminal, else rate-limited plain lines.

    Call it with each progress message; `warn(message)` prints a lasting line (above the live one);
    `close()` leaves the last progress message on screen.
    """

    def __init__(
        self,
        stream: TextIO,
        *,
        live: bool | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        interval: float = PLAIN_INTERVAL,
    ) -> None:
        self.stream = stream
        if live is None:
            live = stream.isatty() and os.environ.get("TERM", "") != "dumb"
        self.live = live
        self.monotonic = monotonic
        self.interval = interval
        self.started = monotonic()
        self.last_plain = float("-inf")
        self.pending: str | None = None  # plain mode: the latest message not printed yet
        self.shown: str | None = None  # live mode: the text of the live line
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        self.frames = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏" if encoding == "utf8" else "|/-\\"
        self.frame = 0

    def __call__(self, message: str) -> None:
        message = terminal_safe(message)  # progress and warnings quote account and OU names
        if self.live:
            self.frame = (self.frame + 1) % len(self.frames)
            elapsed = self.monotonic() - self.started
            self._draw(f"roleui: {self.frames[self.frame]} {message} [{elapsed:.1f} s]")
            return
        now = self.monotonic()
        if now - self.last_plain >= self.interval:
            self.last_plain = now
            self.pending = None
            self.stream.write(f"roleui: {message}\n")
            self.stream.flush()
        else:
            self.pending = message

    def _draw(self, text: str) -> None:
        width = shutil.get_terminal_size((80, 24)).columns
        if len(text) >= width:
            text = text[: max(1, width - 2)] + "…"
        self.stream.write(f"\r\x1b[2K{text}")
        self.stream.flush()
        self.shown = text

    def warn(self, message: str) -> None:
        message = terminal_safe(message)
        if self.live and self.shown is not None:
            self.stream.write(f"\r\x1b[2Kroleui: {message}\n")
            self._draw(self.shown)
            return
        self.stream.write(f"roleui: {message}\n")
        self.stream.flush()

    def close(self) -> None:
        if self.live:
            if self.shown is not None:
                self.stream.write("\n")
                self.stream.flush()
                self.shown = None
        elif self.pending is not None:
            self.stream.write(f"roleui: {self.pending}\n")
            self.stream.flush()
            self.pending = None


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "discover",
        help="read the AWS Organization now (accounts, OU paths, tags) and update the cache",
        description=(
            "Walk the OU tree of the AWS Organization named by the catalog's [organizations] table, read account "
            "tags, and rewrite the cache that `roleui list` and the UI start from. Progress on stderr; a summary "
            "on stdout. Exit 1 when some OU could not be listed (the rest is saved, the failed part is kept from "
            "the previous cache)."
        ),
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help="concurrent requests (default 8; lower it if AWS keeps throttling)",
    )


def run(args: argparse.Namespace) -> int:
    from roleui.aws.organizations import WORKERS, refresh_organization
    from roleui.core.models import Source
    from roleui.core.sources.org_rules import is_included
    from roleui.core.text import terminal_safe_lines

    workers = WORKERS if args.workers is None else args.workers
    if not 1 <= workers <= MAX_WORKERS:
        raise UsageError(f"--workers {workers} is outside 1..{MAX_WORKERS}")
    progress = ProgressLine(sys.stderr)
    try:
        world, report = refresh_organization(args.config, progress=progress, warn=progress.warn, workers=workers)
    finally:
        progress.close()
    snapshot = report.snapshot
    org = world.organizations
    accounts = len(snapshot.accounts)
    lines = [
        f"discovered {accounts:,} accounts in {snapshot.ou_count:,} OUs of {snapshot.organization_id or 'the organization'}"
        f" ({report.api_calls:,} API calls, {report.seconds:.1f} s)"
    ]
    inactive = snapshot.inactive
    if inactive:
        listed = ", ".join(f"{a.name} {a.id} {a.state}" for a in inactive[:5])
        more = f" and {len(inactive) - 5} more" if len(inactive) > 5 else ""
        offer = "offering roles (include_inactive_roles)" if org.include_inactive_roles else "listed without roles"
        lines.append(f"  {len(inactive)} suspended or closed, {offer}: {listed}{more}")
    left_out = sum(1 for a in snapshot.accounts if not is_included(org, a))
    if left_out:
        lines.append(f"  {left_out:,} left out by include_/exclude_ rules")
    if not snapshot.tags_read:
        lines.append("  tags not read" + (" (read_tags = false)" if not org.read_tags else " (access denied)"))
    if report.kept:
        lines.append(f"  {report.kept:,} kept from the previous cache for OUs that could not be listed")
    discovered = world.count(Source.ORGANIZATIONS)
    lines.append(f"  {discovered:,} roles from discovery, {len(world.roles):,} in all (`roleui list`)")
    lines.append(f"cache: {report.cache_path}")
    print(terminal_safe_lines("\n".join(lines)))  # account names are whatever their administrators typed
    return EXIT_OK if report.complete else EXIT_FAILURE
