"""`roleui sessions [--json]`: the cached sessions — role, account, scope, time left, expiry — and the live
children roleui serves (named by `exec --name`: scope, endpoint port, renewal limit, revoked). Never a secret.

Reads the cache only: no AWS call, no boto3 import.
"""

from __future__ import annotations

import argparse
import json
import sys

from roleui.core.errors import EXIT_OK


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "sessions",
        help="list cached role sessions (and MFA sessions)",
        description="List the unexpired sessions in the credential cache: role, account, time left and expiry.",
    )
    parser.add_argument("--json", action="store_true", help="print a JSON list")


def run(args: argparse.Namespace) -> int:
    from roleui.core.clock import utc_now
    from roleui.core.sessions.credcache import CredentialCache
    from roleui.core.text import terminal_safe
    from roleui.core.timefmt import format_countdown, format_time

    now = utc_now()
    cache = CredentialCache()
    roles = sorted(
        (s for s, _ in cache.role_sessions() if not s.is_expired(now)), key=lambda s: (s.expiration, s.role_key)
    )
    mfas = sorted((m for m in cache.mfa_sessions() if m.expiration > now), key=lambda m: m.expiration)
    from roleui.core.sessions.handed import describe, live_children

    children = live_children()
    if args.json:
        records = (
            [
                {
                    "kind": "role",
                    "role": s.role_key,
                    "role_arn": s.role_arn,
                    "account_id": s.account_id,
                    "session_name": s.session_name,
                    "region": s.region,
                    "chained": s.chained,
                    "scope": s.scope,
                    "expires": format_time(s.expiration),
                    "seconds_left": int(s.seconds_left(now)),
                }
                for s in roles
            ]
            + [
                {
                    "kind": "mfa",
                    "mfa_serial": m.serial,
                    "base": m.base,
                    "expires": format_time(m.expiration),
                    "seconds_left": int((m.expiration - now).total_seconds()),
                }
                for m in mfas
            ]
            + [{"kind": "child", **describe(c, now)} for c in children]
        )
        json.dump(records, sys.stdout, indent=1)
        sys.stdout.write("\n")
        return EXIT_OK
    if not roles and not mfas and not children:
        print("roleui: no cached sessions", file=sys.stderr)
        return EXIT_OK
    rows = [("ROLE", "ACCOUNT", "SESSION NAME", "SCOPE", "TIME LEFT", "EXPIRES (UTC)")]
    rows += [
        (
            s.role_key,
            s.account_id,
            s.session_name,
            s.scope or "-",
            format_countdown(s.seconds_left(now)),
            format_time(s.expiration),
        )
        for s in roles
    ]
    rows += [
        (
            f"MFA {m.serial}",
            "",
            "",
            "",
            format_countdown((m.expiration - now).total_seconds()),
            format_time(m.expiration),
        )
        for m in mfas
    ]
    rows += [
        (
            f"child {c.name}",
            c.role_key,
            f"{c.command} (pid {c.pid}, 127.0.0.1:{c.port})",
            c.scope or "-",
            "REVOKED" if c.revoked else (f"renews until {c.until[11:16]}" if c.until else "renews"),
            "",
        )
        for c in children
    ]
    safe = [[terminal_safe(cell) for cell in row] for row in rows]  # names and serials from other people
    widths = [max(len(row[i]) for row in safe) for i in range(len(safe[0]))]
    for row in safe:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    return EXIT_OK
