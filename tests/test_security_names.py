"""Hostile names everywhere roleui shows them: `roleui check` refuses them in the catalog, the CLI prints them
inert (control characters escaped), and the UI shows them as plain text (no markup, no actions, no escapes)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import hypothesis.strategies as st
import pytest
from _catalog_helpers import one_problem, problems_of
from _engine_helpers import roleui, write_catalog
from _ui_helpers import make_app, notifications, settle, wait_for
from hypothesis import given

from roleui.core.models import Account, Catalog, Role
from roleui.core.sessions.credcache import CredentialCache
from roleui.core.sessions.session import Credentials, Session
from roleui.core.text import control_pictures, has_control, terminal_safe
from roleui.ui.screens.confirm import ConfirmScreen
from roleui.ui.state import Active

HOSTILE = "evil\x1b]0;owned\x07\x1b[31m\r\u202e[@click=app.quit]x[/]["

# -- one place for the terminal --------------------------------------------------------------------------------


@given(st.text())
def test_terminal_safe_leaves_no_control_character_and_hides_nothing(text: str) -> None:
    safe = terminal_safe(text)
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in safe)
    assert "\u202e" not in safe
    if text.isprintable():
        assert safe == text


# The characters that must never reach a terminal as they are: C0, DEL, C1, the line and paragraph separators,
# and the marks and overrides that reorder a line (LRM/RLM, LRE..RLO, LRI..PDI).
NEVER_RAW = {*range(0x20), *range(0x7F, 0xA0), 0x2028, 0x2029, 0x200E, 0x200F, *range(0x202A, 0x202F)}
NEVER_RAW |= set(range(0x2066, 0x206A))


def test_every_character_that_must_not_reach_a_terminal_is_escaped_and_every_other_is_kept() -> None:
    for code in range(0x3000):
        char = f"a{chr(code)}b"
        expected = f"a\\x{code:02x}b" if code < 0x100 else f"a\\u{code:04x}b"
        assert terminal_safe(char) == (expected if code in NEVER_RAW else char), hex(code)
        assert has_control(char) is (code in NEVER_RAW), hex(code)


@given(st.text())
def test_control_pictures_keep_the_length_so_match_positions_stay_right(text: str) -> None:
    pictured = control_pictures(text)
    assert len(pictured) == len(text)
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in pictured)


# -- check refuses what AWS would, and what no name should hold -----------------------------------------------


@pytest.mark.parametrize(
    ("value", "what"),
    [
        ('"１２３４５６７８９０１２"', "is not a 12-digit account id"),  # fullwidth digits: \d takes them
        ('"123456789012\\n"', "holds control characters or a newline"),
        ('"١٢٣٤٥٦٧٨٩٠١٢"', "is not a 12-digit account id"),  # Arabic-Indic digits
    ],
)
def test_check_refuses_look_alike_account_ids(value: str, what: str) -> None:
    problem = one_problem(f'[[accounts]]\nid = {value}\nname = "a"\n')
    assert problem.startswith("cat.toml:2: accounts[1].id: ") or problem.startswith("cat.toml:2: accounts[a].id: ")
    assert what in problem


@pytest.mark.parametrize(
    "name", ['"a\\u001b]0;x\\u0007"', '"line\\nbreak"', '"tab\\there"', '"bidi\\u202e"', '"x' + "y" * 2000 + '"']
)
def test_check_refuses_control_characters_newlines_and_absurd_lengths_in_names(name: str) -> None:
    problems = problems_of(f'[[accounts]]\nid = "123456789012"\nname = {name}\n')
    assert any(p.startswith("cat.toml:3: ") and "name" in p for p in problems), problems
    assert all("\x1b" not in p for p in problems)


def test_check_refuses_a_reserved_tag_key_and_a_tag_value_with_a_newline() -> None:
    assert "starts with 'aws:'" in one_problem(
        '[[accounts]]\nid = "123456789012"\nname = "a"\n\n  [[accounts.roles]]\n  name = "R"\n'
        '  session_tags = { "aws:x" = "1" }\n'
    )
    assert "newline" in one_problem('[[accounts]]\nid = "123456789012"\nname = "a"\ntags = { team = "a\\nb" }\n')


def test_check_refuses_a_region_with_a_newline_and_fullwidth_duration() -> None:
    assert "newline" in one_problem('[defaults]\nregion = "eu-west-1\\n"\n')
    assert "is not a duration" in one_problem('[defaults]\nduration = "１h"\n')


def test_the_real_check_prints_a_hostile_catalog_problem_inert(tmp_path: Path) -> None:
    catalog = tmp_path / "c.toml"
    catalog.write_text('[[accounts]]\nid = "123456789012"\nname = "a"\nnope\x1b]0;x\x07 = 1\n', encoding="utf-8")
    done = roleui("--config", str(catalog), "check")
    assert done.returncode == 2
    assert "\x1b" not in done.stderr
    assert "\x07" not in done.stderr


# -- the CLI prints names inert -----------------------------------------------------------------------------------


def test_sessions_and_errors_show_control_characters_escaped() -> None:
    expires = datetime.now(UTC) + timedelta(hours=1)
    session = Session(
        role_key=f"acct/{HOSTILE}",
        role_arn="arn:aws:iam::123456789012:role/R",
        account_id="123456789012",
        assumed_role_arn="arn:aws:sts::123456789012:assumed-role/R/me",
        session_name="me",
        credentials=Credentials("ASIAX", "secret", "token", expires),
    )
    CredentialCache().save_role("k" * 40, session, "base")
    listed = roleui("sessions")
    assert listed.returncode == 0
    assert "\x1b" not in listed.stdout
    assert "\\x1b]0;owned\\x07" in listed.stdout
    write_catalog('[[accounts]]\nid = "123456789012"\nname = "a"\n')
    failed = roleui("env", f"x/{HOSTILE}")
    assert failed.returncode == 2
    assert "\x1b" not in failed.stderr
    assert "\r" not in failed.stderr
    assert "\\x1b" in failed.stderr or "x1b" in failed.stderr


def test_list_shows_a_discovered_accounts_hostile_name_escaped_from_both_paths() -> None:
    from roleui.core.sources.organizations.cache import save_org_snapshot
    from roleui.core.sources.organizations.model import DiscoveredAccount, OrgSnapshot

    write_catalog('[organizations]\nenabled = true\nroles = ["ReadOnly"]\ncache_lifetime = "1h"\n')
    account = DiscoveredAccount(id="123456789012", name=HOSTILE, email="a@example.com", state="ACTIVE", ou_path="")
    save_org_snapshot(
        OrgSnapshot(
            discovered_at=datetime.now(UTC) - timedelta(minutes=1),
            accounts=(account,),
            organization_id="o-test",
            ou_count=0,
        )
    )
    for _ in range(2):  # the normal path, then the index
        done = roleui("list")
        assert done.returncode == 0, done.stderr
        assert "\x1b" not in done.stdout
        assert "\\x1b]0;owned\\x07" in done.stdout


# -- the UI shows names as plain text -----------------------------------------------------------------------------


def hostile_catalog(confirm: bool) -> Catalog:
    account = Account(id="222222222222", name=HOSTILE, tags={"team": "[b]x"})
    role = Role(account=account, name="ReadOnly", description="[@click=app.quit]desc[", confirm=confirm)
    return Catalog(accounts=(account,), roles=(role,))


@pytest.mark.parametrize("confirm", [False, True], ids=["plain role", "confirm role"])
async def test_a_name_with_markup_and_escapes_is_assumed_and_shown_as_plain_text(aws: str, confirm: bool) -> None:
    app = make_app(hostile_catalog(confirm))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        if confirm:
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            title = str(app.screen.query("Label").first().render())
            assert "[@click=app.quit]" in title
            assert "\x1b" not in title
            await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.states.get(f"{HOSTILE}/ReadOnly"), Active))
        await pilot.pause()
        assert app.is_running, "a name must never quit the app or crash it"
        assumed = [n for n in notifications(app) if n.startswith("Assumed")]
        assert assumed
        assert "[@click=app.quit]" in assumed[0]
        toasts = [str(t.render()) for t in app.screen.query("Toast")] if app.screen.query("Toast") else []
        assert all("\x1b" not in text for text in toasts)
        detail = str(app.detail_pane.render())
        assert "[@click=app.quit]desc[" in detail
        assert "\x1b" not in detail
        assert "␛]0;owned␇" in detail


@given(st.text())
def test_any_name_shown_plain_shows_exactly_its_characters_with_controls_as_pictures(text: str) -> None:
    from roleui.ui.safe import plain, visible

    assert plain(text).plain == visible(text) == control_pictures(text)


@given(st.text(), st.text())
def test_the_mfa_dialog_shows_any_role_key_and_serial_exactly(key: str, serial: str) -> None:
    from roleui.ui.screens.mfa import code_request

    shown = code_request(key, serial)
    assert shown.plain == f"Assuming {control_pictures(key)} needs a code from\n{control_pictures(serial)}"
    assert [s.style for s in shown.spans] == (["bold"] if key else [])


@given(st.text(), st.integers(min_value=1, max_value=40))
def test_a_row_cell_never_sends_a_control_character_to_the_terminal(text: str, width: int) -> None:
    from rich.style import Style

    from roleui.ui.cells import fit_cells

    drawn = "".join(segment.text for segment in fit_cells(text, width, Style(), Style(bold=True), range(len(text))))
    assert len(drawn) == width
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in drawn)
