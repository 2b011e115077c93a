"""Keys at the speed people and terminals send them: the real `roleui demo` in a pseudo-terminal, keys written in
one burst, 5 ms apart, or as a bracketed paste; every key reaches the filter in order, and Enter right after acts
on the filtered result, not on the row the cursor was on before.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests._e2e_helpers import ROLEUI, Terminal, demo_env, running
from tests.test_e2e_demo import has_countdown, organization_listed, rows

pytestmark = pytest.mark.e2e

PASTE_START, PASTE_END = "\x1b[200~", "\x1b[201~"


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Terminal]:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    with running([ROLEUI, "demo"], demo_env(tmp, Path(os.environ["HOME"]))) as terminal:
        terminal.wait_until("the discovered organization in the list", organization_listed)
        terminal.settle()
        yield terminal


def filter_line(screen: str) -> str:
    """What the filter line shows after its label (the placeholder when empty)."""
    line = next(line for line in screen.splitlines() if line.lstrip().startswith("filter "))
    return line.lstrip()[len("filter ") :].strip()


def shows_query(query: str) -> object:
    """The filter holds `query` and every row of the list was redrawn for it."""
    word = query.lower()
    return lambda s: filter_line(s) == query and bool(rows(s)) and all(word in row.lower() for row in rows(s))


def send_spaced(terminal: Terminal, keys: str, gap: float = 0.005) -> None:
    """One write per key, `gap` seconds apart: a fast typist (the pacing is the point of the test)."""
    for key in keys:
        terminal.child.send(key)
        time.sleep(gap)


def back_to_an_empty_list(terminal: Terminal) -> None:
    terminal.press("escape", "escape")
    terminal.wait_until("the empty filter", lambda s: "press / and type" in s)
    terminal.settle()


def test_a_query_and_enter_written_in_one_burst_assume_the_filtered_role(demo: Terminal) -> None:
    before = rows(demo.screen_text())[0]
    assert "CrossAccountS3ReadOnly" not in before  # Enter on the pre-burst row would assume another role
    demo.type("/crossaccounts3\r")
    screen = demo.wait_until("a session on CrossAccountS3ReadOnly", has_countdown("CrossAccountS3ReadOnly"))
    assert filter_line(screen) == "crossaccounts3"
    assert "Sessions (1)" in demo.wait_for("Sessions (1)")
    assert all("CrossAccountS3ReadOnly" in row for row in rows(screen)), screen


def test_keys_5_ms_apart_and_a_paste_reach_the_filter_in_order(demo: Terminal) -> None:
    send_spaced(demo, "/payments")
    screen = demo.wait_until("the list filtered by 'payments'", shows_query("payments"))
    assert {row.split()[0] for row in rows(screen)} == {"payments-prod", "payments-staging", "payments-dev"}

    send_spaced(demo, "\x7f" * 8 + "admin")  # backspaces too, then a new word
    demo.wait_until("the list filtered by 'admin'", shows_query("admin"))

    back_to_an_empty_list(demo)
    demo.type(f"/{PASTE_START}shared-data{PASTE_END}")
    screen = demo.wait_until("the pasted query", shows_query("shared-data"))
    assert {row.split()[0] for row in rows(screen)} == {"shared-data"}


def test_printable_keys_in_the_list_start_the_filter_and_action_keys_keep_their_action(demo: Terminal) -> None:
    # No `/`: `p` is bound to no action, so it starts the filter with itself, as in fzf; the rest follows it.
    demo.type("payments-dev")
    demo.wait_until("the list filtered by 'payments-dev'", shows_query("payments-dev"))
    back_to_an_empty_list(demo)
    # A paste in the list goes to the filter too.
    demo.type(f"{PASTE_START}network{PASTE_END}")
    demo.wait_until("the pasted query", shows_query("network"))
    back_to_an_empty_list(demo)
    demo.type("?")  # bound to the help: it opens, it does not filter
    demo.wait_until("the help screen", lambda s: "roleui — keys" in s)


def test_a_profile_name_finds_its_role_as_roleui_list_does(demo: Terminal) -> None:
    demo.type("/sso-dev-admin")
    screen = demo.wait_until("the filtered list", lambda s: filter_line(s) == "sso-dev-admin" and bool(rows(s)))
    demo.settle()
    screen = demo.screen_text()
    shown = rows(screen)
    assert shown[0].split()[0] == "payments-dev"
    assert "AdministratorAccess" in shown[0]
