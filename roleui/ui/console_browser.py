"""Opening a role's console in the `[browser]` mode (roleui/core/browser_modes.py says what each mode does).

Every mode hands the browser a private redirect file (roleui/ui/browser.py), never the URL: a sign-in token in a
command line is visible to every local user. Programs are started directly (a list of arguments, no shell),
detached, so the browser outlives roleui and nothing it prints reaches the terminal roleui draws on.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from roleui.core.browser_config import CHROMIUM_BROWSERS, MAX_CONSOLE_SESSIONS, BrowserConfig
from roleui.core.browser_modes import (
    container_color,
    container_url,
    default_user_data_dir,
    expand_command,
    profile_directory,
    profile_name,
    sign_out_first,
)
from roleui.core.errors import RoleuiError
from roleui.core.models import Role
from roleui.core.open_consoles import OpenConsole, open_now, remember
from roleui.core.private_files import private_dir
from roleui.core.text import terminal_safe
from roleui.ui import browser

Launcher = Callable[[Sequence[str]], None]


@dataclass(frozen=True, slots=True)
class Opened:
    """A console handed to a browser: where (for the message), until when, and a warning worth showing."""

    where: str
    expires: datetime | None
    warning: str | None = None


def _launch(args: Sequence[str]) -> None:
    subprocess.Popen(  # a list of arguments, never a shell
        list(args),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _program(names: Sequence[str], what: str) -> str:
    for name in names:
        found = shutil.which(name) or (name if os.path.isabs(name) and os.access(name, os.X_OK) else None)
        if found:
            return found
    raise RoleuiError(f"{what} is not installed here — install it, or set [browser] executable to its program")


def _through_redirect(url: str, args_for: Callable[[str], list[str]], launch: Launcher) -> bool:
    def opener(file_uri: str) -> bool:
        try:
            launch(args_for(file_uri))
        except OSError as error:
            raise RoleuiError(f"the browser could not be started ({error.strerror or error})") from None
        return True

    return browser.open_secret_url(url, opener=opener)


def _name_new_profile(user_data_dir: Path, directory: str, name: str) -> None:
    """Give a profile roleui is about to create its name, so the profile picker shows the role key (the browser
    copies `profile.name` from Preferences into Local State). A profile that exists is the browser's: left alone."""
    profile = user_data_dir / directory
    if profile.exists():
        return
    try:
        private_dir(profile)
        (profile / "Preferences").write_text(json.dumps({"profile": {"name": name}}), encoding="utf-8")
    except (OSError, RoleuiError):
        return  # the browser makes the profile itself, named "Person N"


def open_console(
    role: Role,
    url: str,
    config: BrowserConfig,
    *,
    now: datetime,
    lasts: int | None,
    federated: bool,
    launch: Launcher = _launch,
    home: Path | None = None,
) -> Opened | None:
    """Open `url` (a console link or a federated sign-in URL for `role`) the way `config` says; None when no
    browser could be asked. `lasts` is the console session's length in seconds when roleui set it."""
    expires = now + timedelta(seconds=lasts) if lasts is not None else None
    warning = None
    mode = config.mode
    if mode == "firefox-container":
        program = config.executable or _program(("firefox",), "Firefox")
        target = container_url(role, url, config)
        opened = _through_redirect(target, lambda uri: [program, "--new-tab", uri], launch)
        where = f"the Firefox container {role.key!r}"
    elif mode == "chromium-profile":
        program = config.executable or _program(CHROMIUM_BROWSERS[config.browser], config.browser)
        directory = profile_directory(role, config)
        home = home or Path.home()
        data = Path(config.user_data_dir).expanduser() if config.user_data_dir else None
        where_profiles = data or default_user_data_dir(config.browser, home)
        if where_profiles is not None:
            _name_new_profile(where_profiles, directory, profile_name(role, config))
        flags = [f"--user-data-dir={data}"] if data else []
        flags += [f"--profile-directory={directory}", "--no-first-run", "--no-default-browser-check"]
        opened = _through_redirect(url, lambda uri: [program, *flags, uri], launch)
        where = f"the {config.browser} profile {profile_name(role, config)!r}"
    elif mode == "command":
        color = container_color(role, config)
        opened = _through_redirect(
            url, lambda uri: expand_command(config.command, url=uri, profile=role.key, color=color), launch
        )
        where = f"{os.path.basename(config.command[0])}"
    else:
        consoles = [c for c in open_now(now) if c.mode == mode]  # most recent first
        others = [c for c in consoles if c.role_key != role.key]
        if mode == "default" and federated and consoles and consoles[0].role_key != role.key:
            url = sign_out_first(url)  # the console holds one identity: leave the other one first
        if mode == "multi-session" and len(others) >= MAX_CONSOLE_SESSIONS:
            warning = (
                f"the console holds at most {MAX_CONSOLE_SESSIONS} sessions and roleui opened "
                f"{len(others)} others — sign out of one in the console's account menu"
            )
        opened = browser.open_in_browser(url)  # None of a display: the caller copies the URL instead
        where = "the browser (multi-session)" if mode == "multi-session" else "the browser"
    if not opened:
        return None
    # In the default mode the browser's console holds one identity: the new one replaces the others.
    remember(OpenConsole(role.key, role.account.id, mode, now, expires), now, replaces=mode == "default")
    return Opened(terminal_safe(where), expires, warning)
