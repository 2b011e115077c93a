"""Opening a URL in the user's browser, only where a graphical one can exist.

Without a display (SSH, a bare console) Python's `webbrowser` falls back to text browsers such as lynx or w3m,
which would take over the terminal the app is drawing on; there the caller copies the URL instead.
"""

from __future__ import annotations

import os
import sys
import webbrowser
from collections.abc import Mapping


def can_open_browser(environ: Mapping[str, str] | None = None, platform: str = sys.platform) -> bool:
    env = os.environ if environ is None else environ
    if env.get("BROWSER"):
        return True  # the user chose one
    if platform in ("darwin", "win32"):
        return True
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


def open_in_browser(url: str) -> bool:
    """True when a browser was asked to open `url` (blocking for a moment: call it from a worker thread)."""
    if not can_open_browser():
        return False
    try:
        return webbrowser.open(url, new=2)
    except webbrowser.Error:
        return False
