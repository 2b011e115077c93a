"""`o` in the `[browser]` modes: the key bar and help say which mode, the detail pane gives the console session's
real limit before opening, and the sessions panel marks the role whose console is open, with its end."""

from __future__ import annotations

import html
import json
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from _ui_helpers import CROSS, catalog, go_to, make_app, notifications, settle, visible_text, wait_for

from roleui.core.browser_config import BrowserConfig
from roleui.core.console import identity_center_url
from roleui.core.models import Source, permission_set_role
from roleui.demo.federation import FederationEndpoint
from roleui.ui.screens.help import HelpScreen


@pytest.fixture
def federation(aws: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[FederationEndpoint]:
    endpoint = FederationEndpoint(aws)
    endpoint.start()
    monkeypatch.setenv("ROLEUI_FEDERATION_ENDPOINT", endpoint.url)
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER"):
        monkeypatch.delenv(name, raising=False)
    yield endpoint
    endpoint.stop()


def recording_browser(tmp_path: Path) -> tuple[Path, Path]:
    """A real program standing in for Chromium: it writes down the arguments it was started with."""
    recorded = tmp_path / "argv.json"
    program = tmp_path / "chromium"
    program.write_text(
        f"#!{sys.executable}\nimport json, sys\nopen({str(recorded)!r}, 'w').write(json.dumps(sys.argv[1:]))\n"
    )
    program.chmod(0o755)
    return program, recorded


async def test_o_opens_the_role_in_its_chromium_profile_and_the_panel_marks_the_open_console(
    federation: FederationEndpoint, tmp_path: Path
) -> None:
    program, recorded = recording_browser(tmp_path)
    config = BrowserConfig(mode="chromium-profile", executable=str(program), user_data_dir=str(tmp_path / "ud"))
    app = make_app(replace(catalog(), browser=config))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        assert ("o", "console·profile", "open_console") in app.key_bar.list_items(200)
        go_to(app, CROSS)
        await pilot.press("enter")
        await settle(pilot)
        key = app.role_list.highlighted_role.key  # type: ignore[union-attr]
        detail = visible_text(app.detail_pane)
        assert "Console" in detail
        assert "o: a console for 59m" in detail or "o: a console for 1h" in detail
        assert "(max 12h) · chromium profile" in detail
        await pilot.press("o")
        await wait_for(pilot, lambda: any(n.startswith("Console:") for n in notifications(app)))
        await settle(pilot)
        assert any(f"opened in the chromium profile '{key}'" in n for n in notifications(app))
        assert key in app.consoles
        panel = visible_text(app.sessions_panel)
        end = app.consoles[key]
        assert end is not None
        assert f"⧉{end:%H:%M}" in panel
        assert f"open (chromium profile) until {end:%H:%M} UTC" in visible_text(app.detail_pane)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert any("Open the console (chromium profile)" in str(a.title) for a in app.screen.actions)
    deadline = time.monotonic() + 15
    while not recorded.exists() and time.monotonic() < deadline:  # the browser starts detached
        time.sleep(0.05)
    args = json.loads(recorded.read_text())
    assert any(a.startswith("--profile-directory=roleui-") for a in args)
    assert args[-1].startswith("file://")
    assert not any("SigninToken" in a for a in args)
    directory = next(a for a in args if a.startswith("--profile-directory=")).split("=", 1)[1]
    preferences = json.loads((tmp_path / "ud" / directory / "Preferences").read_text())
    assert preferences == {"profile": {"name": key}}  # the profile picker shows the role key


async def test_the_default_mode_keeps_the_plain_console_label(federation: FederationEndpoint) -> None:
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        assert ("o", "console", "open_console") in app.key_bar.list_items(200)


async def test_in_multi_session_mode_a_permission_set_opens_through_the_portal_shortcut_without_assuming(
    federation: FederationEndpoint, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorded = tmp_path / "opened.txt"
    program = tmp_path / "browser"
    program.write_text(f'#!/bin/sh\necho "$1" > {recorded}\n')
    program.chmod(0o755)
    monkeypatch.setenv("BROWSER", str(program))
    cat = catalog()
    permission_set = permission_set_role(
        cat.accounts[0],
        "ReadOnlyAccess",
        start_url="https://corp.awsapps.com/start",
        sso_region="eu-west-1",
        sso_session="corp",
        source=Source.IDENTITY_CENTER,
    )
    app = make_app(replace(cat, roles=(*cat.roles, permission_set), browser=BrowserConfig(mode="multi-session")))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        assert ("o", "console·multi", "open_console") in app.key_bar.list_items(200)
        go_to(app, len(cat.roles))
        await pilot.press("o")
        await wait_for(pilot, lambda: any(n.startswith("Console:") for n in notifications(app)))
        assert permission_set.key not in app.states  # nothing assumed: the portal signs in
    deadline = time.monotonic() + 15
    while not recorded.exists() and time.monotonic() < deadline:  # the browser starts detached
        time.sleep(0.05)
    page = Path(recorded.read_text().strip().removeprefix("file://")).read_text(encoding="utf-8")
    target = html.unescape(page.split('content="0;url=', 1)[1].split('"', 1)[0])
    assert target == identity_center_url(permission_set)
    assert target.startswith("https://corp.awsapps.com/start/#/console?account_id=")
