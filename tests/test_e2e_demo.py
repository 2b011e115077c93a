"""`roleui demo` end to end: the real program in a pseudo-terminal, read from its rendered screen.

Each test starts the console script as a person would (a terminal, $SHELL, real-looking AWS credentials the demo
must ignore) and waits for what the screen shows, never for a fixed time, except where time passing is the point.
"""

from __future__ import annotations

import os
import re
import signal
import termios
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from roleui.core.catalog.parse import parse_catalog
from roleui.core.console import switch_role_url
from roleui.demo.catalog import CATALOG
from roleui.demo.runtime import TEMP_PREFIX
from tests._e2e_helpers import (
    ENTER_ALTERNATE_SCREEN,
    LEAVE_ALTERNATE_SCREEN,
    ROLEUI,
    Terminal,
    demo_env,
    listening_ports,
    port_is_open,
    running,
)

pytestmark = pytest.mark.e2e

COUNTDOWN = re.compile(r"\b(\d+)m (\d\d)s\b")
ROLE_COUNT = re.compile(r"\((?:[\d,]+/)?([\d,]+) roles\)")
S3_ROLE_ARN = "arn:aws:sts::222222222222:assumed-role/CrossAccountS3ReadOnly/deepak.dev"


@pytest.fixture
def tmpdir_of_demo(tmp_path: Path) -> Path:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    return tmp


@pytest.fixture
def demo(tmpdir_of_demo: Path) -> Iterator[Terminal]:
    """`roleui demo` on its first full screen: the catalog's roles and the organization discovered in the background."""
    env = demo_env(tmpdir_of_demo, Path(os.environ["HOME"]))
    with running([ROLEUI, "demo"], env) as terminal:
        terminal.wait_until("the discovered organization in the list", organization_listed)
        terminal.settle()  # the whole frame, not just its first bytes
        yield terminal


def organization_listed(screen: str) -> bool:
    """The catalog alone has 3 roles; the organization adds two in each of its few dozen accounts."""
    count = ROLE_COUNT.search(screen)
    return "DEMO" in screen and count is not None and int(count[1].replace(",", "")) > 40


def rows(screen: str) -> list[str]:
    """The role list's rows: the lines between its column header and the detail pane (none on a partial frame),
    without the notifications drawn over the list (each of their lines starts with Textual's `▌`)."""
    lines = screen.splitlines()
    start = next((i for i, line in enumerate(lines) if "ACCOUNT" in line and "SESSION" in line), None)
    if start is None:
        return []
    end = next((i for i, line in enumerate(lines) if i > start and line.lstrip().startswith("╭")), len(lines))
    return [line.strip() for line in lines[start + 1 : end] if line.strip() and not line.strip().startswith("▌")]


def show_only(terminal: Terminal, query: str, shown: str | None = None) -> list[str]:
    """Type `query` into a cleared filter and wait until every row holds `shown` (default: the query itself)."""
    text = shown or query
    terminal.press("escape", "escape", "/")
    terminal.type(query)
    terminal.wait_until(
        f"only rows holding {text!r}",
        lambda s: f" {query}" in s.splitlines()[1] and bool(rows(s)) and all(text in row for row in rows(s)),
    )
    terminal.settle()
    return rows(terminal.screen_text())


def countdown(terminal: Terminal, role: str) -> int:
    """Seconds left on the role's row (its SESSION column)."""
    screen = terminal.screen_text()
    match = next((m for row in rows(screen) if role in row and (m := COUNTDOWN.search(row))), None)
    assert match, screen
    return int(match[1]) * 60 + int(match[2])


def has_countdown(role: str) -> Callable[[str], bool]:
    return lambda screen: any(role in row and COUNTDOWN.search(row) for row in rows(screen))


def dialog_text(screen: str) -> str:
    """The words inside a modal screen's frame (█ ... █), its wrapped lines joined."""
    inside = [line[line.index("█") + 1 : line.rindex("█")] for line in screen.splitlines() if line.count("█") >= 2]
    return " ".join(" ".join(inside).split())


def test_the_list_shows_the_seeded_accounts_typing_a_filter_narrows_it_and_help_tells_what_is_not_enforced(
    demo: Terminal,
) -> None:
    identity = "base arn:aws:iam::111111111111:user/deepak.dev"
    screen = demo.wait_until("the base identity in the header (asked by a child process)", lambda s: identity in s)
    names = {row.split()[0] for row in rows(screen)}
    assert {"tooling", "shared-data", "main", "ci-cd", "network"} <= names  # the guide's accounts, then the org's

    payments = show_only(demo, "payments")
    assert {row.split()[0] for row in payments} == {"payments-prod", "payments-staging", "payments-dev"}
    # OrganizationAccountAccessRole and ReadOnly in each, the ReadOnlyAccess permission set in each (Identity
    # Center), and AdministratorAccess in payments-dev (also the demo's SSO profile sso-dev-admin).
    assert len(payments) == 10

    staging = show_only(demo, "env:staging", "environment=staging")  # a tag filter
    assert len(staging) == 18  # six team accounts: two roles each and the ReadOnlyAccess permission set

    demo.press("escape", "?")
    demo.wait_until("the help screen", lambda s: "roleui — keys" in s)
    demo.press("end")  # the demo's note closes the help, below the fold of a 45-line terminal
    demo.wait_until(
        "the demo's note in the help screen",
        lambda s: "does not enforce trust policies, ExternalId or MFA codes (any 6-digit code works)" in dialog_text(s),
    )


def test_a_demo_of_10000_accounts_lists_all_their_roles_at_once_and_filters_them(tmpdir_of_demo: Path) -> None:
    env = demo_env(tmpdir_of_demo, Path(os.environ["HOME"]))
    with running([ROLEUI, "demo", "--accounts", "10000"], env) as terminal:
        # Two roles in each account, and 13,330 Identity Center assignments (ReadOnlyAccess in every active account,
        # AdministratorAccess in the dev ones).
        terminal.wait_until("33,330 roles", lambda s: "DEMO" in s and "(33,330 roles)" in s)
        shown = show_only(terminal, "search-dev-00015")
        assert sorted(row.split()[2] for row in shown) == [
            "AdministratorAccess",
            "OrganizationAccountAccessRole",
            "ReadOnly",
            "ReadOnlyAccess",
        ]
        terminal.press("escape", "q")
        assert terminal.wait_for_exit() == 0


def test_enter_assumes_the_cross_account_role_and_its_countdown_decreases(demo: Terminal) -> None:
    show_only(demo, "CrossAccountS3ReadOnly")
    demo.press("enter")
    demo.wait_until("a countdown on the CrossAccountS3ReadOnly row", has_countdown("CrossAccountS3ReadOnly"))
    first = countdown(demo, "CrossAccountS3ReadOnly")
    assert 55 * 60 < first <= 60 * 60
    demo.wait_for("Sessions (1)")
    # Real time passing is the point here: the countdown is redrawn as the seconds go by.
    time.sleep(2)
    demo.wait_until(
        "the countdown to go down by 2 s",
        lambda s: has_countdown("CrossAccountS3ReadOnly")(s) and countdown(demo, "CrossAccountS3ReadOnly") <= first - 2,
        timeout=30,
    )


def test_c_copies_the_exact_console_switch_role_url_through_osc_52(demo: Terminal) -> None:
    roles = {role.key: role for role in parse_catalog(CATALOG, "demo.toml").roles}
    show_only(demo, "CrossAccountS3ReadOnly")
    demo.press("escape", "c")
    demo.wait_until("a clipboard write", lambda _: bool(demo.clipboard_writes()))
    url = demo.clipboard_writes()[-1]
    assert url == switch_role_url(roles["shared-data/CrossAccountS3ReadOnly"])
    parts = urllib.parse.urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "signin.aws.amazon.com", "/switchrole")
    query = dict(urllib.parse.parse_qsl(parts.query))
    assert query == {
        "account": "222222222222",
        "roleName": "CrossAccountS3ReadOnly",
        "displayName": "shared-data/CrossAccountS3ReadOnly",
        "color": "99BCE3",
    }

    show_only(demo, "ProdSupportRole")
    demo.press("escape", "c")
    demo.wait_until("a second clipboard write", lambda _: len(demo.clipboard_writes()) == 2)
    support = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(demo.clipboard_writes()[-1]).query))
    assert (support["account"], support["roleName"]) == ("123456789012", "support/ProdSupportRole")


def test_s_opens_a_subshell_where_the_aws_cli_is_the_assumed_role_and_exit_returns_to_an_intact_app(
    demo: Terminal,
) -> None:
    show_only(demo, "CrossAccountS3ReadOnly")
    demo.press("escape", "s")
    demo.wait_for("(roleui shared-data/CrossAccountS3ReadOnly)")
    # The banner names the identity the shell will really get (checked locally with the shell's environment).
    demo.wait_for(f"roleui: shared-data/CrossAccountS3ReadOnly as {S3_ROLE_ARN}")
    demo.type("aws sts get-caller-identity --query Arn --output text\r")
    demo.wait_for(S3_ROLE_ARN)
    demo.type("aws s3 ls s3://my-shared-bucket/\r")
    demo.wait_for("PRE reports/", "README.txt", "customers.csv", "orders-2024-q1.csv")
    # No static keys: the app serves renewing credentials while suspended, and `roleui status` says so.
    demo.type("echo keys:${AWS_ACCESS_KEY_ID-none}; roleui status --format 'status:{key}:{renewing}'\r")
    demo.wait_for("keys:none", "status:shared-data/CrossAccountS3ReadOnly:⟳")
    demo.type("exit\r")
    screen = demo.wait_until(
        "the app redrawn, the shell's output gone",
        lambda s: "customers.csv" not in s and "DEMO" in s and "Sessions (1)" in s and "q quit" in s,
    )
    assert "base arn:aws:iam::111111111111:user/deepak.dev" in screen
    assert has_countdown("CrossAccountS3ReadOnly")(screen)
    assert "╭─ Role" in screen
    assert "arn:aws:iam::222222222222:role/CrossAccountS3ReadOnly" in screen  # the detail pane

    # A forced refresh replaces the session; a new subshell is served the new one and keeps working.
    demo.press("r")
    demo.wait_until("the refreshed session", has_countdown("CrossAccountS3ReadOnly"))
    demo.press("s")
    demo.wait_for("(roleui shared-data/CrossAccountS3ReadOnly)")
    demo.type("aws sts get-caller-identity --query Arn --output text; echo done:$?\r")
    demo.wait_for(S3_ROLE_ARN, "done:0")
    demo.type("exit\r")
    demo.wait_until("the app again", lambda s: "DEMO" in s and "q quit" in s and "done:0" not in s)
    demo.press("q")
    assert demo.wait_for_exit() == 0


def test_admin_access_asks_for_an_mfa_code_and_prod_support_shows_its_chain_and_1h_cap(demo: Terminal) -> None:
    show_only(demo, "ProdSupportRole")
    demo.wait_for("main/AdminAccessRole → main/ProdSupportRole", "role chaining: 1h cap")  # the detail pane

    show_only(demo, "AdminAccessRole")
    demo.press("enter")
    demo.wait_for("Assume main/AdminAccessRole?")  # confirm = true
    demo.press("y")
    demo.wait_for("MFA code", "arn:aws:iam::123456789012:mfa/deepak.dev", "any 6-digit code")  # the demo's note
    demo.type("123456\r")
    screen = demo.wait_until("the admin session", has_countdown("AdminAccessRole"))
    assert "MFA code" not in screen

    # The MFA session opened by that code serves the chain: no second code, and the 1 h cap.
    show_only(demo, "ProdSupportRole")
    demo.press("enter")
    demo.wait_until("the chained session", has_countdown("ProdSupportRole"))
    assert countdown(demo, "ProdSupportRole") <= 3600
    assert "MFA code" not in demo.screen_text()


def test_o_signs_in_to_the_console_through_the_local_federation_endpoint(demo: Terminal) -> None:
    show_only(demo, "CrossAccountS3ReadOnly")
    demo.press("escape", "o")  # no browser on this terminal: the sign-in URL is copied instead
    demo.wait_until("the sign-in URL on the clipboard", lambda _: bool(demo.clipboard_writes()))
    url = demo.clipboard_writes()[-1]
    parts = urllib.parse.urlsplit(url)
    assert (parts.hostname, parts.path) == ("127.0.0.1", "/federation")
    assert dict(urllib.parse.parse_qsl(parts.query))["Action"] == "login"
    with urllib.request.urlopen(url, timeout=30) as page:  # the demo is still running
        assert f"Signed in as <code>{S3_ROLE_ARN}</code>" in page.read().decode()


def test_closing_the_terminal_stops_the_demo_and_leaves_no_files(demo: Terminal, tmpdir_of_demo: Path) -> None:
    ports = listening_ports(demo.pid)
    os.kill(demo.pid, signal.SIGHUP)
    assert demo.wait_for_exit() == 128 + signal.SIGHUP
    assert not any(port_is_open(port) for port in ports)
    assert list(tmpdir_of_demo.iterdir()) == []


def test_q_quits_restores_the_terminal_stops_the_local_aws_and_leaves_no_files(
    demo: Terminal, tmpdir_of_demo: Path
) -> None:
    ports = listening_ports(demo.pid)
    assert len(ports) >= 2
    assert all(port_is_open(port) for port in ports)
    assert list(tmpdir_of_demo.glob(f"{TEMP_PREFIX}*/catalog.toml"))
    demo.press("q")
    assert demo.wait_for_exit() == 0
    raw = bytes(demo.raw)
    assert raw.rfind(LEAVE_ALTERNATE_SCREEN) > raw.rfind(ENTER_ALTERNATE_SCREEN) >= 0
    assert raw.rfind(b"\x1b[?25h") > raw.rfind(ENTER_ALTERNATE_SCREEN)  # the cursor is shown again
    flags = demo.local_flags()
    assert flags & termios.ICANON  # line editing is back
    assert flags & termios.ECHO
    assert flags == demo.initial_local_flags
    assert not any(port_is_open(port) for port in ports)
    assert list(tmpdir_of_demo.iterdir()) == []
    # Nothing written outside the demo's directory either: the home holds only the user's own AWS files.
    home = Path(os.environ["HOME"])
    assert sorted(p.relative_to(home).as_posix() for p in home.rglob("*")) == [
        ".aws",
        ".aws/config",
        ".aws/credentials",
    ]
