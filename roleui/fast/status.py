"""`roleui status`: the current shell's role session in one short line, for prompts and tmux status bars.

Prompts run it on every line, so it reads only the environment and one small file: ROLEUI_ROLE and
ROLEUI_ACCOUNT_ID (set in every roleui session), and the status file a credential endpoint keeps up to date
(ROLEUI_STATUS_FILE: expiry after each renewal, the role's colour); a `--static` session has no endpoint, so
its expiry comes from AWS_CREDENTIAL_EXPIRATION. No catalog, no boto3; outside a session it prints nothing and
exits 1, so `$(roleui status)` is empty there.

`--format` fills a template: {account} {role} {key} {account_id} {left} {seconds} {level} {color} {expiration}
{renewing} {identity} {warning} {scope} {ansi} {reset}. {color} is the role's (else the account's) colour while more than 15
minutes are left, then yellow, then red under 5 minutes; {ansi}/{reset} are the matching terminal escapes. Names are
neutral for every documented consumer: control characters and tmux's `#`, zsh's `%`, bash's `\\` `$` and backquote
become `?` (see `neutral`). {scope} is the session policy's name (`read-only`...), empty for full rights.

{identity} is who the shell's commands really run as: the assumed-role ARN roleui checked once when it started
the child, with the child's own environment and AWS files (a local walk of botocore's precedence,
roleui/core/sessions/aws_overlay.py: ROLEUI_IDENTITY), unless a variable set since then wins over the session
(AWS_PROFILE, keys in a served shell...): then `not the role: <that>`, and {warning} (in the default format) says
` ⚠ <that>`; it is empty while the role wins.

Imports are the standard library's cheapest (no argparse, typing, dataclasses or json): keep it that way.
"""

from __future__ import annotations

import os
import sys
import time

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs a fast path ~4 ms
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

COMMAND = "status"
DEFAULT_FORMAT = "{key} {left}{warning}"
NOT_THE_ROLE = "not the role: "  # roleui/core/sessions/aws_overlay.py writes ROLEUI_IDENTITY so
WARNING_SECONDS = 15 * 60  # the UI's thresholds (roleui/ui/state.py)
CRITICAL_SECONDS = 5 * 60
EXIT_OUTSIDE = 1
EXIT_USAGE = 2
FIELDS = (
    "account",
    "role",
    "key",
    "account_id",
    "left",
    "seconds",
    "level",
    "color",
    "expiration",
    "renewing",
    "identity",
    "warning",
    "scope",
    "ansi",
    "reset",
)
ANSI = {"red": "31", "yellow": "33", "green": "32", "blue": "34", "orange": "38;5;208"}
PALETTE = {"F2B0A9": "red", "FBBF93": "orange", "FAD791": "yellow", "B7CA9D": "green", "99BCE3": "blue"}


def request(argv: Sequence[str]) -> tuple[str, bool] | None:
    """(format, as_json) for `status [--json] [--format F]`; None for anything else (the CLI explains it)."""
    words = list(argv)
    if not words or words[0] != COMMAND:
        return None
    fmt, as_json = DEFAULT_FORMAT, False
    words.pop(0)
    while words:
        word = words.pop(0)
        if word == "--json":
            as_json = True
        elif word == "--format" and words:
            fmt = words.pop(0)
        elif word.startswith("--format="):
            fmt = word.partition("=")[2]
        else:
            return None
    return fmt, as_json


def epoch_of(text: str) -> float:
    """Seconds since the epoch of `2026-01-31T12:00:00Z` (what roleui writes) without importing datetime (~7 ms
    of every prompt); any other RFC 3339 form goes through timefmt. ValueError when it is not a time."""
    if len(text) == 20 and text[4] == "-" and text[10] == "T" and text[19] == "Z":
        year, month, day = int(text[0:4]), int(text[5:7]), int(text[8:10])
        hour, minute, second = int(text[11:13]), int(text[14:16]), int(text[17:19])
        # Days from 1970-01-01 to the date (Howard Hinnant's days_from_civil).
        y = year - (month <= 2)
        era = y // 400
        yoe = y - era * 400
        doy = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
        days = era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468
        return days * 86400 + hour * 3600 + minute * 60 + second
    from roleui.core.timefmt import parse_time

    return parse_time(text).timestamp()


def plain(text: object) -> str:
    """Names roleui did not invent never bring control characters into a prompt."""
    return "".join(c if c.isprintable() else "?" for c in str(text))


# What the documented consumers of --format read as their own syntax: tmux (`#[style]`, `#(command)`, `#{format}`),
# zsh prompts (`%`), bash prompts (`\\`, `$`, backquote). A name (an account or role name from another person)
# never brings them: each becomes `?`, so a name cannot run a command or paint itself over roleui's red.
_NOT_NEUTRAL = str.maketrans(dict.fromkeys("#%\\$`", "?"))


def neutral(text: object) -> str:
    """`plain`, and nothing a prompt or a status bar would interpret."""
    return plain(text).translate(_NOT_NEUTRAL)


def compact(seconds: float) -> str:
    """`42m`, `1h05m`, `30s`, `expired`: a prompt has little room."""
    if seconds <= 0:
        return "expired"
    s = int(seconds)
    if s >= 3600:
        return f"{s // 3600}h{s % 3600 // 60:02d}m"
    if s >= 60:
        return f"{s // 60}m"
    return f"{s}s"


def level(seconds: float) -> str:
    if seconds <= 0:
        return "expired"
    if seconds < CRITICAL_SECONDS:
        return "critical"
    if seconds < WARNING_SECONDS:
        return "warning"
    return "ok"


def color_of(level_name: str, own: str | None) -> str:
    """The role's colour while the session is comfortable, then yellow, then red; a palette hex becomes its name."""
    if level_name in ("critical", "expired"):
        return "red"
    if level_name == "warning":
        return "yellow"
    if not own:
        return "green"
    text = own.strip().lstrip("#")
    if text.upper() in PALETTE:
        return PALETTE[text.upper()]
    if len(text) == 6 and all(c in "0123456789abcdefABCDEF" for c in text):
        return "#" + text.lower()
    return text.lower() if text.isalpha() else "green"


def ansi_of(color: str) -> str:
    if color.startswith("#"):
        r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
        return f"\033[38;2;{r};{g};{b}m"
    return f"\033[{ANSI.get(color, '32')}m"


def read_status_file(path: str) -> dict[str, str] | None:
    """The `key=value` lines of the endpoint's status file (roleui/core/sessions/endpoint_status.py)."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, ValueError):
        return None
    return dict(line.partition("=")[::2] for line in text.splitlines() if "=" in line)


def competing(environ: Mapping[str, str]) -> str | None:
    """A variable set in the shell since roleui started it that wins over the session, or None (environment only:
    prompts run this on every line)."""
    for name in ("AWS_DEFAULT_PROFILE", "AWS_PROFILE"):
        if environ.get(name):
            return f"{name}={environ[name]}"
    if environ.get("AWS_ROLE_ARN") and environ.get("AWS_WEB_IDENTITY_TOKEN_FILE"):
        return f"AWS_ROLE_ARN={environ['AWS_ROLE_ARN']} with a web identity token"
    if environ.get("ROLEUI_STATUS_FILE") and environ.get("AWS_ACCESS_KEY_ID"):
        return "AWS_ACCESS_KEY_ID in the environment"  # a served shell has no keys of its own
    if environ.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"):
        return "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"
    return None


def identity_of(environ: Mapping[str, str]) -> str:
    """Who the shell's commands run as: ROLEUI_IDENTITY, unless a variable set since wins (see `competing`)."""
    other = competing(environ)
    if other is not None:
        return NOT_THE_ROLE + other
    return environ.get("ROLEUI_IDENTITY", "")


def current(environ: Mapping[str, str], now: float) -> dict[str, object] | None:
    """What the shell's environment says about its session, or None outside one."""
    key = environ.get("ROLEUI_ROLE")
    if not key:
        return None
    account, _, role = key.rpartition("/")
    status_path = environ.get("ROLEUI_STATUS_FILE")
    status = read_status_file(status_path) if status_path else None
    expiration = status.get("expiration") if status else environ.get("AWS_CREDENTIAL_EXPIRATION")
    own_color = status.get("color") if status else None
    seconds: float | None = None
    if isinstance(expiration, str):
        try:
            seconds = epoch_of(expiration) - now
        except ValueError:
            seconds = None
    if status_path and status is None:
        seconds = 0.0  # the endpoint that served this shell is gone: its credentials no longer renew
    level_name = level(seconds) if seconds is not None else "ok"
    color = color_of(level_name, own_color if isinstance(own_color, str) else None)
    return {
        "key": plain(key),
        "account": plain(account),
        "role": plain(role),
        "account_id": plain(environ.get("ROLEUI_ACCOUNT_ID", "")),
        "seconds": int(seconds) if seconds is not None else None,
        "left": compact(seconds) if seconds is not None else "?",
        "level": level_name,
        "color": color,
        "expiration": plain(expiration) if isinstance(expiration, str) else None,
        "renewing": status is not None,
        "identity": plain(identity_of(environ)),
        "scope": plain(environ.get("ROLEUI_SCOPE", "")) or None,
        "error": plain(status["error"]) if status and status.get("error") else None,
    }


def render(fmt: str, as_json: bool, environ: Mapping[str, str], now: float) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of `roleui status`."""
    info = current(environ, now)
    if info is None:
        return EXIT_OUTSIDE, "", ""
    if as_json:
        import json  # only here: json (and its re/enum) would double the cost of every prompt

        return 0, json.dumps(info) + "\n", ""
    values = dict(info)
    for name in ("key", "account", "role", "account_id", "expiration", "error"):
        if isinstance(values.get(name), str):
            values[name] = neutral(values[name])
    values["seconds"] = "" if info["seconds"] is None else info["seconds"]
    values["expiration"] = info["expiration"] or ""
    values["renewing"] = "⟳" if info["renewing"] else ""
    identity = str(info["identity"])
    values["warning"] = " ⚠ " + identity.removeprefix(NOT_THE_ROLE) if identity.startswith(NOT_THE_ROLE) else ""
    values["scope"] = info["scope"] or ""
    values["ansi"] = ansi_of(str(info["color"]))
    values["reset"] = "\033[0m"
    try:
        return 0, fmt.format_map(values) + "\n", ""
    except (KeyError, IndexError, ValueError, AttributeError) as error:
        hint = " ".join("{" + name + "}" for name in FIELDS)
        return EXIT_USAGE, "", f"roleui: --format: cannot fill {plain(error)} — use {hint}\n"


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int | None:
    """For the CLI door: the exit status of `roleui status ...`, or None when the CLI should parse argv."""
    asked = request(sys.argv[1:] if argv is None else argv)
    if asked is None:
        return None
    status, out, err = render(*asked, os.environ if environ is None else environ, time.time())
    sys.stderr.write(err)
    sys.stdout.write(out)
    sys.stdout.flush()
    return status
