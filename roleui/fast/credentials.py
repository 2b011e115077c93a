"""The fast path of `roleui credential-process ROLE`: answer a cache hit before the catalog is even read.

credential_process runs before every aws CLI call of its profile, so a hit must cost little more than starting
Python. After every answer the normal path leaves a small index entry: for this (catalog path, ROLE) and the
environment that decides the session, which session file answered, plus the identity (mtime, size, inode) of
every file the answer depended on — the catalog, the AWS config and credentials files, the cache dir (where the
discovered organization lives) and the session file itself. The fast path re-checks those identities and the
expiry margin, then prints the session file's credentials; anything changed, missing or unusual (an option
other than --config, --no-cache, an expired session) falls back to the normal path, which decides afresh.
The index holds no secret: the credentials stay in the one session file.

Imports are the standard library's cheapest (no dataclasses, argparse, contextlib, typing, pathlib, hashlib, json
or datetime: `python -X importtime` shows each costs a hit milliseconds): keep it that way.
"""

from __future__ import annotations

import os
import sys
import time

from roleui.core.files import file_identity, write_atomic
from roleui.core.json_lite import loads
from roleui.core.sessions.process_output import credential_process_json
from roleui.core.user_dirs import cache_dir_name
from roleui.fast.index import MARKER, command_words, fingerprint, read_own

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs a fast path ~4 ms
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

COMMAND = "credential-process"
HEADER = "roleui-quick-credentials 1"


def simple_request(argv: Sequence[str]) -> tuple[str | None, str] | None:
    """(config, ROLE) when argv is `[--config P] credential-process ROLE`, else None (the normal path decides)."""
    request = command_words(argv, COMMAND)
    if request is None:
        return None
    config, words = request
    if len(words) != 2 or words[1].startswith("-"):
        return None
    return config, words[1]


def index_name(config: str | None, role: str, environ: Mapping[str, str], cwd: str) -> str:
    """The entry's file name: a hash of the request and of every environment variable that could change it."""
    return "quick-" + fingerprint(f"{HEADER}\0{role}", config, environ, cwd)


def write_entry(directory: str, name: str, *, session_file: str, margin: int, depends_on: Sequence[str]) -> None:
    """Record which session file answers this request and what the answer depended on (atomic, 0600)."""
    lines = [HEADER, str(margin), session_file, file_identity(session_file)]
    lines += [f"{path}\t{file_identity(path)}" for path in depends_on]
    write_atomic(os.path.join(directory, name), ("\n".join(lines) + "\n").encode())


def read_entry(directory: str, name: str, now: float) -> dict[str, object] | None:
    """The session file's JSON if the entry still holds and the session is fresh, else None."""
    raw = read_own(os.path.join(directory, name))
    if raw is None:
        return None
    try:
        lines = raw.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        return None
    if len(lines) < 4 or lines[0] != HEADER or not (lines[1].isascii() and lines[1].isdigit()) or len(lines[1]) > 6:
        return None
    margin, session_file, identity = int(lines[1]), lines[2], lines[3]
    if identity == "-" or file_identity(session_file) != identity:
        return None
    for line in lines[4:]:
        path, _, recorded = line.rpartition("\t")
        if file_identity(path) != recorded:
            return None
    session = read_own(session_file)
    if session is None:
        return None
    try:
        data = loads(session.decode("utf-8"))
        creds = data["credentials"]  # type: ignore[index]
        expires, stamp = expiry(str(creds["Expiration"]))
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
        return None  # damaged: the normal path treats it as absent and replaces it
    if expires - now <= margin or not isinstance(creds, dict):
        return None
    result: dict[str, object] = dict(creds, Expiration=stamp)
    return result


def _days(year: int, month: int, day: int) -> int:
    """Days from 1970-01-01 to a date of the proleptic Gregorian calendar (H. Hinnant's days_from_civil)."""
    year -= month <= 2
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    return era * 146097 + year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year - 719468


def expiry(text: str) -> tuple[float, str]:
    """(epoch seconds, RFC 3339 UTC to the second) of a session file's Expiration; ValueError when it is none.

    The cache writes `2026-01-31T12:00:00[.ffffff]+00:00` (datetime.isoformat in UTC): that form is read here with
    arithmetic, because importing datetime costs a hit ~2 ms; any other form goes through roleui/core/timefmt.py.
    """
    whole, _, fraction = text.removesuffix("+00:00").partition(".")
    fields = (whole[0:4], whole[5:7], whole[8:10], whole[11:13], whole[14:16], whole[17:19])
    if (
        text.endswith("+00:00")
        and len(whole) == 19
        and whole[4] + whole[7] + whole[10] + whole[13] + whole[16] == "--T::"
        and all(f.isascii() and f.isdigit() for f in (*fields, fraction or "0"))
    ):
        year, month, day, hour, minute, second = (int(f) for f in fields)
        if 1 <= month <= 12 and 1 <= day <= 31 and hour < 24 and minute < 60 and second < 60:
            seconds = _days(year, month, day) * 86400 + hour * 3600 + minute * 60 + second
            return seconds + float(f"0.{fraction or 0}"), whole + "Z"
    from roleui.core.timefmt import format_time, parse_time

    value = parse_time(text)
    return value.timestamp(), format_time(value)


def sessions_directory(environ: Mapping[str, str]) -> str:
    return os.path.join(cache_dir_name(environ), "sessions")


def answer(config: str | None, role: str, *, environ: Mapping[str, str] | None = None) -> bool:
    """Print the credentials for `credential-process ROLE` from the index when it still holds; True if printed."""
    env = os.environ if environ is None else environ
    if env.get(MARKER):
        return False  # a loop: let the normal path say so
    directory = sessions_directory(env)
    creds = read_entry(directory, index_name(config, role, env, os.getcwd()), time.time())
    if creds is None:
        return False
    try:
        text = credential_process_json(
            str(creds["AccessKeyId"]),
            str(creds["SecretAccessKey"]),
            str(creds["SessionToken"]) if creds.get("SessionToken") else None,
            str(creds["Expiration"]),
        )
    except KeyError:
        return False
    sys.stdout.write(text)
    return True


def main(argv: Sequence[str] | None = None) -> bool:
    """For the CLI door: answer `roleui [--config P] credential-process ROLE` from the index; True if answered."""
    request = simple_request(sys.argv[1:] if argv is None else argv)
    return request is not None and answer(*request)
