"""`roleui history [FILTER...] [--since 1d] [--json] [--trail]`: what roleui assumed, renewed, signed in to and
handed out, when, why and with which access key id (roleui/core/sessions/trail.py). Never a secret.

FILTER words must all appear in an entry (role, account, scope, reason, key id, command...). --trail prints, for
each session, the CloudTrail console's event history filtered by its access key id: what that session did.
"""

from __future__ import annotations

import argparse
import json
import sys

from roleui.core.errors import EXIT_OK, UsageError


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "history",
        help="what roleui assumed and handed out: when, why, which key id",
        description="Read roleui's private trail of assumes, renewals, sign-ins and sessions handed to children.",
    )
    parser.add_argument("filter", nargs="*", metavar="FILTER", help="words every shown entry contains")
    parser.add_argument("--since", metavar="D", help='only entries newer than D, e.g. "1d", "2h", "30m"')
    parser.add_argument("--json", action="store_true", help="print JSON lines, as stored")
    parser.add_argument("--trail", action="store_true", help="print each session's CloudTrail event-history link")


def run(args: argparse.Namespace) -> int:
    from datetime import timedelta

    from roleui.core.clock import utc_now
    from roleui.core.sessions import trail
    from roleui.core.sessions.trail_search import Query, matching
    from roleui.core.text import terminal_safe

    since = None
    if args.since is not None:
        try:
            since = timedelta(seconds=_days(args.since))
        except ValueError as error:
            raise UsageError(f"--since: {error}") from None
    entries = matching(trail.read_entries(), Query(tuple(args.filter), since), utc_now())
    if args.json:
        for entry in entries:
            sys.stdout.write(json.dumps(entry, ensure_ascii=False) + "\n")
        return EXIT_OK
    if not entries:
        print(f"roleui: no entries in the trail ({trail.trail_path()}) match", file=sys.stderr)
        return EXIT_OK
    if args.trail:
        seen: set[str] = set()
        for entry in entries:
            link = trail.trail_link(entry)
            if link is None or link in seen:
                continue
            seen.add(link)
            print(terminal_safe(f"{entry.get('role_key', '')}  {entry.get('access_key_id', '')}  {link}"))
        return EXIT_OK
    rows = [("TIME (UTC)", "EVENT", "ROLE", "SCOPE", "KEY ID", "REASON", "BY", "RESULT")]
    for e in entries:
        by = str(e.get("command", ""))
        if e.get("child"):
            by += f" ({e['child']})"
        rows.append(
            (
                str(e.get("time", ""))[:19].replace("T", " "),
                str(e.get("event", "")),
                str(e.get("role_key", "")),
                str(e.get("scope") or "-"),
                str(e.get("access_key_id") or "-"),
                str(e.get("reason") or "-"),
                by,
                str(e.get("result", "")),
            )
        )
    safe = [[terminal_safe(cell)[:80] for cell in row] for row in rows]  # names, reasons, AWS messages
    widths = [max(len(row[i]) for row in safe) for i in range(len(safe[0]))]
    for row in safe:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    return EXIT_OK


def _days(text: str) -> int:
    """parse_duration with days too ("1d", "2d12h"): a trail is read in days."""
    from roleui.core.durations import parse_duration

    text = text.strip().lower()
    if "d" in text:
        days, _, rest = text.partition("d")
        if not days.isascii() or not days.isdigit():
            raise ValueError(f'{text!r} is not a duration: write "1d", "12h" or "30m"')
        return int(days) * 86400 + (parse_duration(rest) if rest else 0)
    return parse_duration(text)
