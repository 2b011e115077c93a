"""`roleui discover`: read the AWS Organization (OU tree, accounts, tags) and the Identity Center assignments
(accounts, permission sets) now, rewrite their caches, summarise.

Progress goes to stderr: one live, rewritten line on a terminal; plain lines at most every few seconds
otherwise (CI logs, pipes). The summary goes to stdout. Exit 0 when complete, 1 when some OU or account could not
be listed (the rest was written; the failed part kept from the previous cache), the usual statuses otherwise.
`ProgressLine` is also what `roleui list --refresh` can hand to `refresh_world` as `progress` and `warn`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

from roleui.core.errors import EXIT_FAILURE, EXIT_OK, RoleuiError, UsageError
from roleui.core.text import terminal_safe, terminal_safe_lines

if TYPE_CHECKING:
    from roleui.core.models import Catalog

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
        help="read the AWS Organization and Identity Center assignments now and update their caches",
        description=(
            "Walk the OU tree of the AWS Organization named by the catalog's [organizations] table, read account "
            "tags, list the accounts and permission sets of every [[identity_center]] sign-in, and rewrite the "
            "caches that `roleui list` and the UI start from. Progress on stderr; a summary on stdout. Exit 1 when "
            "some OU or account could not be listed (the rest is saved, the failed part is kept from the previous "
            "cache) or a sign-in could not be discovered while others were."
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
    from roleui.aws.organizations import WORKERS
    from roleui.aws.sources import read_catalog

    workers = WORKERS if args.workers is None else args.workers
    if not 1 <= workers <= MAX_WORKERS:
        raise UsageError(f"--workers {workers} is outside 1..{MAX_WORKERS}")
    catalog = read_catalog(args.config)
    progress = ProgressLine(sys.stderr)
    lines: list[str] = []
    status = EXIT_OK
    try:
        if catalog.identity_center:
            status = max(status, _identity_center(args.config, catalog, progress, workers, lines))
        if catalog.organizations.enabled or not catalog.identity_center:
            status = max(status, _organization(args.config, progress, workers, lines))
        else:
            from roleui.aws.sources import load_world
            from roleui.core.models import Source

            world = load_world(args.config, warn=progress.warn)
            found = world.count(Source.IDENTITY_CENTER)
            lines.append(f"  {found:,} roles from Identity Center, {len(world.roles):,} in all (`roleui list`)")
    finally:
        progress.close()
    print(terminal_safe_lines("\n".join(lines)))  # account names are whatever their administrators typed
    return status


def _identity_center(
    config: str | None, catalog: Catalog, progress: ProgressLine, workers: int, lines: list[str]
) -> int:
    """Discover every [[identity_center]] sign-in; its summary lines go to `lines`. When Organizations is on too, a
    sign-in failing is a warning (exit 1) and the organization is still read."""
    from roleui.aws.identity_center import refresh_identity_center

    try:
        reports = refresh_identity_center(config, progress=progress, warn=progress.warn, workers=workers)
    except RoleuiError as error:
        if not catalog.organizations.enabled:
            raise
        progress.warn(str(error))
        return EXIT_FAILURE
    for report in reports:
        snapshot = report.snapshot
        lines.append(
            f"discovered {len(snapshot.accounts):,} accounts and {snapshot.role_count:,} permission sets of "
            f"{snapshot.name} ({report.api_calls:,} API calls, {report.throttled:,} throttled, {report.seconds:.1f} s)"
        )
        if snapshot.incomplete:
            lines.append(f"  {len(snapshot.incomplete):,} accounts whose permission sets could not be listed")
    if reports:
        lines.append(f"cache: {reports[0].cache_path}")
    complete = len(reports) == len(catalog.identity_center) and all(r.complete for r in reports)
    return EXIT_OK if complete else EXIT_FAILURE


def _organization(config: str | None, progress: ProgressLine, workers: int, lines: list[str]) -> int:
    from roleui.aws.organizations import refresh_organization
    from roleui.core.models import Source
    from roleui.core.sources.organizations.rules import is_included

    world, report = refresh_organization(config, progress=progress, warn=progress.warn, workers=workers)
    snapshot = report.snapshot
    org = world.organizations
    accounts = len(snapshot.accounts)
    lines.append(
        f"discovered {accounts:,} accounts in {snapshot.ou_count:,} OUs of {snapshot.organization_id or 'the organization'}"
        f" ({report.api_calls:,} API calls, {report.seconds:.1f} s)"
    )
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
    if world.identity_center:
        found = world.count(Source.IDENTITY_CENTER)
        lines.append(
            f"  {discovered:,} roles from the organization, {found:,} from Identity Center, {len(world.roles):,} in all"
        )
    else:
        lines.append(f"  {discovered:,} roles from discovery, {len(world.roles):,} in all (`roleui list`)")
    lines.append(f"cache: {report.cache_path}")
    return EXIT_OK if report.complete else EXIT_FAILURE
