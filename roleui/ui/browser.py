"""Opening a URL in the user's browser, only where a graphical one can exist, and never with a secret in argv.

Without a display (SSH, a bare console) Python's `webbrowser` falls back to text browsers such as lynx or w3m,
which would take over the terminal the app is drawing on; there the caller copies the URL instead.

A federated sign-in URL carries a SigninToken worth 15 minutes of console access, and a browser's command line is
visible to every local user (`ps`). So a secret URL is written into a private file (0600, random name) holding a
page that redirects to it; the browser is given the file's name, and a detached helper removes the file a minute
later (whether or not roleui is still running).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

from roleui.core.private_browser import REMOVE_AFTER, open_secret_url, redirect_page, remove_later

__all__ = ["REMOVE_AFTER", "can_open_browser", "open_in_browser", "open_secret_url", "redirect_page", "remove_later"]


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
    return open_secret_url(url)
