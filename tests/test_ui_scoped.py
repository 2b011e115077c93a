"""The UI's least-privilege key: `v` assumes the highlighted role read-only; the scope shows in the row, the
details and the sessions panel; a role that asks for a reason gets a prompt; `h` shows the history."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from _recorder_helpers import Recording, recording
from _ui_helpers import (
    CATALOG,
    CROSS,
    DEVELOPER,
    catalog,
    detail_text,
    go_to,
    make_app,
    row_text,
    settle,
    visible_text,
    wait_for,
)

from roleui.core.sessions import trail
from roleui.ui.screens.history import HistoryScreen
from roleui.ui.screens.reason import ReasonScreen
from roleui.ui.state import SCOPED_MARK, Active

READ_ONLY_ARN = "arn:aws:iam::aws:policy/ReadOnlyAccess"


@pytest.fixture
def recorded(aws: str, tmp_path: Path) -> Iterator[Recording]:
    with recording(aws, tmp_path / "moto-recording.jsonl") as rec:
        yield rec


async def test_v_assumes_read_only_and_the_scope_shows_in_row_details_and_sessions_panel(recorded: Recording) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        go_to(app, DEVELOPER)
        await pilot.press("v")
        await settle(pilot)
        state = app.states["web-staging/Developer"]
        assert isinstance(state, Active)
        assert state.session.scope == "read-only"
        (call,) = recorded.calls("AssumeRole")
        assert call["PolicyArns.member.1.arn"] == READ_ONLY_ARN
        assert f"{SCOPED_MARK} 1h 00m" in row_text(app, DEVELOPER)  # the frozen clock: no time has passed
        assert "read-only (session policy: at most what it allows)" in await detail_text(pilot)
        assert app.sessions_panel.sessions == [state.session]
        panel = "".join(s.text for s in app.sessions_panel.render_line(0))
        assert "◇ [read-only] web-stagi" in panel
        assert SCOPED_MARK in panel
        # Enter on another role is unscoped: no mark there.
        go_to(app, CROSS)
        await pilot.press("enter")
        await settle(pilot)
        assert SCOPED_MARK not in row_text(app, CROSS)
        assert [c.get("PolicyArns.member.1.arn") for c in recorded.calls("AssumeRole")] == [READ_ONLY_ARN, None]


async def test_refresh_keeps_the_rows_scope(recorded: Recording) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        go_to(app, DEVELOPER)
        await pilot.press("v")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert [c.get("PolicyArns.member.1.arn") for c in recorded.calls("AssumeRole")] == [READ_ONLY_ARN] * 2
        state = app.states["web-staging/Developer"]
        assert isinstance(state, Active)
        assert state.session.scope == "read-only"


async def test_a_role_that_asks_for_a_reason_prompts_and_records_it(recorded: Recording) -> None:
    text = CATALOG.replace('name = "Developer"', 'name = "Developer"\n  require_reason = true')
    app = make_app(catalog(text))
    async with app.run_test(size=(120, 40)) as pilot:
        go_to(app, DEVELOPER)
        await pilot.press("v")
        await wait_for(pilot, lambda: isinstance(app.screen, ReasonScreen))
        await pilot.press("enter")  # an empty reason is refused in the modal
        assert isinstance(app.screen, ReasonScreen)
        assert not recorded.calls("AssumeRole")
        await pilot.press(*"look at logs", "enter")
        await settle(pilot)
        assert isinstance(app.states["web-staging/Developer"], Active)
        (entry,) = [e for e in trail.read_entries() if e["event"] == "assume"]
        assert entry["reason"] == "look at logs"
        assert entry["scope"] == "read-only"
        await pilot.press("h")
        await wait_for(pilot, lambda: isinstance(app.screen, HistoryScreen))
        await pilot.pause()
        shown = visible_text(app.screen.query_one("#history-table"))
        assert "web-staging/Developer" in shown
        assert "look at logs" in shown


async def test_escape_at_the_reason_prompt_assumes_nothing(recorded: Recording) -> None:
    text = CATALOG.replace('name = "Developer"', 'name = "Developer"\n  require_reason = true')
    app = make_app(catalog(text))
    async with app.run_test(size=(120, 40)) as pilot:
        go_to(app, DEVELOPER)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ReasonScreen))
        await pilot.press("escape")
        await settle(pilot)
        assert "web-staging/Developer" not in app.states
        assert not recorded.calls("AssumeRole")


async def test_at_80x24_the_one_line_sessions_summary_marks_the_scoped_session(recorded: Recording) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        go_to(app, DEVELOPER)
        await pilot.press("v")
        await settle(pilot)
        assert app.sessions_panel.size.height == 1
        line = "".join(s.text for s in app.sessions_panel.render_line(0))
        assert f"{SCOPED_MARK} [read-only] web-staging/Developer 1h 00m" in line
