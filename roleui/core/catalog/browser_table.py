"""The catalog's `[browser]` table: how consoles are opened. Every problem is reported (with did-you-mean), none
stops the others; a table with problems gives the defaults.

    [browser]
    mode = "chromium-profile"      # default | firefox-container | chromium-profile | multi-session | command
    browser = "brave"              # chromium-profile: chrome | chromium | brave | edge | vivaldi
    profile_per = "account"        # chromium-profile: role (default) | account
    user_data_dir = "~/aws-profiles"   # chromium-profile: instead of the browser's own
    executable = "/opt/brave/brave"    # firefox-container / chromium-profile: the program
    extension = "open-url-in-container"  # firefox-container: granted-containers (default) | open-url-in-container
    color = "purple"               # firefox-container: for roles without a color (default: one per account)
    icon = "briefcase"             # firefox-container: the default icon
    icon_tag = "container-icon"    # firefox-container: the account tag naming an icon
    command = "firefox -P {profile} --new-tab {url}"   # command: {url} required, {profile} and {color} optional
"""

from __future__ import annotations

import difflib
import shlex
from collections.abc import Callable, Mapping
from typing import Any

from roleui.core.browser_config import (
    CHROMIUM_BROWSERS,
    CONTAINER_EXTENSIONS,
    FIREFOX_COLORS,
    FIREFOX_ICONS,
    MODES,
    PLACEHOLDERS,
    PROFILE_PER,
    BrowserConfig,
)
from roleui.core.browser_modes import unknown_placeholders
from roleui.core.text import has_control

KEYS = (
    "mode",
    "browser",
    "profile_per",
    "user_data_dir",
    "executable",
    "extension",
    "color",
    "icon",
    "icon_tag",
    "command",
)
MAX_TEXT = 1024
DEFAULT = BrowserConfig()

# (key, message, hint): the catalog's checker adds the file, line and label.
Report = Callable[[str, str, str], None]


def _did_you_mean(value: str, allowed: tuple[str, ...] | list[str]) -> str:
    close = difflib.get_close_matches(value.lower(), list(allowed), n=1, cutoff=0.5)
    choices = f"one of {', '.join(allowed)}"
    return f"did you mean {close[0]!r}? ({choices})" if close else f"use {choices}"


def parse_browser(data: Mapping[str, Any], report: Report) -> BrowserConfig:
    """The BrowserConfig of a `[browser]` table; each problem goes to `report`."""
    problems = 0

    def problem(key: str, message: str, hint: str) -> None:
        nonlocal problems
        problems += 1
        report(key, message, hint)

    for key in data:
        if key not in KEYS:
            close = difflib.get_close_matches(key, KEYS, n=1, cutoff=0.6)
            problem(key, "unknown key", f"did you mean {close[0]!r}?" if close else f"allowed keys: {', '.join(KEYS)}")
    values: dict[str, str] = {}
    for key in KEYS:
        value = data.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            problem(key, f"expected a string, got {type(value).__name__}", f'write {key} = "..."')
        elif not value.strip():
            problem(key, "is empty", f"give {key} a value or remove it")
        elif has_control(value) or len(value) > MAX_TEXT:
            problem(key, "holds control characters or is too long", "write it on one line, without them")
        else:
            values[key] = value.strip()

    def choice(key: str, allowed: tuple[str, ...], what: str) -> None:
        if key in values and values[key] not in allowed:
            problem(key, f"{values[key]!r} is not {what}", _did_you_mean(values[key], allowed))

    choice("mode", MODES, "a browser mode")
    choice("browser", tuple(CHROMIUM_BROWSERS), "a Chromium-family browser roleui knows")
    choice("profile_per", PROFILE_PER, "a profile choice")
    choice("extension", tuple(CONTAINER_EXTENSIONS), "a container extension roleui knows")
    choice("color", FIREFOX_COLORS, "a container colour the extensions accept")
    choice("icon", FIREFOX_ICONS, "a container icon the extensions accept")
    command: tuple[str, ...] = ()
    if "command" in values:
        command = _command(values["command"], problem)
    mode = values.get("mode", "default")
    if mode == "command" and not command and "command" not in data:
        problem("mode", "is 'command' but there is no command", 'add command = "my-browser {url}"')
    if problems:
        return DEFAULT
    return BrowserConfig(
        mode=mode,
        extension=values.get("extension", DEFAULT.extension),
        color=values.get("color"),
        icon=values.get("icon", DEFAULT.icon),
        icon_tag=values.get("icon_tag", DEFAULT.icon_tag),
        browser=values.get("browser", DEFAULT.browser),
        executable=values.get("executable"),
        profile_per=values.get("profile_per", DEFAULT.profile_per),
        user_data_dir=values.get("user_data_dir"),
        command=command,
    )


def _command(template: str, problem: Report) -> tuple[str, ...]:
    try:
        args = tuple(shlex.split(template))
    except ValueError as error:
        problem("command", f"cannot be split into arguments ({error})", "close the quotes")
        return ()
    unknown = unknown_placeholders(template)
    for name in unknown:
        problem("command", f"{{{name}}} is not a placeholder", _did_you_mean(name, PLACEHOLDERS))
    if not any("{url}" in arg for arg in args):
        problem("command", "has no {url}", 'the browser needs the page: write e.g. command = "my-browser {url}"')
    return () if unknown else args
