"""Whether a URL may go to a browser: only a graphical one, never one that would take over the terminal.

Python's `webbrowser` falls back to the console browsers it finds (lynx, w3m, links, elinks, browsh, Debian's
`www-browser`) when there is no display, and even with one when no graphical browser is installed. Started from
`roleui login` or the UI, such a browser draws over the terminal the user is reading the URL and the code in
(and leaves them to find `q`, `y` to get out). Where no graphical browser can open, roleui prints or shows the URL
and waits instead.

Standard library only; `webbrowser` is imported when asked.
"""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import webbrowser

TEXT_BROWSERS = frozenset({"lynx", "w3m", "links", "links2", "elinks", "browsh", "www-browser", "netrik", "edbrowse"})


def display_exists(environ: Mapping[str, str] | None = None, platform: str = sys.platform) -> bool:
    """Whether a graphical browser can show a page here: macOS, Windows, or an X11/Wayland display."""
    env = os.environ if environ is None else environ
    if platform in ("darwin", "win32"):
        return True
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


def is_text_browser(command: str) -> bool:
    """Whether `command` (a browser's name or command line, as $BROWSER holds it) is a console browser."""
    try:
        words = shlex.split(command)
    except ValueError:
        words = command.split()
    return bool(words) and os.path.basename(words[0]) in TEXT_BROWSERS


def graphical_browser() -> webbrowser.BaseBrowser | None:
    """The browser `webbrowser` would use, unless it is a console browser or there is nothing to show it on."""
    import webbrowser

    chosen = os.environ.get("BROWSER", "")
    if chosen:
        return _chosen_browser(chosen)
    if not display_exists():
        return None
    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        return None
    return None if is_text_browser(getattr(browser, "name", "") or "") else browser


def _chosen_browser(chosen: str) -> webbrowser.BaseBrowser | None:
    """$BROWSER as it is now: its first entry that is not a console browser. (webbrowser reads $BROWSER once per
    process, the first time it is asked, so a value set or changed later would be ignored; and it runs a command
    with arguments but no %s as one program name.)"""
    import webbrowser

    for entry in chosen.split(os.pathsep):
        if not entry.strip() or is_text_browser(entry):
            continue
        try:
            words = shlex.split(entry)
        except ValueError:
            continue
        if len(words) == 1 and "%s" not in entry:
            try:
                return webbrowser.get(entry)  # a known name (firefox, chromium...) gets its own class
            except webbrowser.Error:
                return webbrowser.GenericBrowser(entry)  # a program: the URL is its argument
        return webbrowser.GenericBrowser(words if "%s" in entry else [*words, "%s"])
    return None


def open_graphical(url: str) -> bool:
    """Open `url` in a new tab of a graphical browser; False (and nothing started) when there is none."""
    import webbrowser

    browser = graphical_browser()
    if browser is None:
        return False
    try:
        return bool(browser.open(url, new=2))
    except webbrowser.Error:
        return False
