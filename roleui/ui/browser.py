"""Opening a URL in the user's browser, only where a graphical one can exist, and never with a secret in argv.

Without a display (SSH, a bare console) Python's `webbrowser` falls back to text browsers such as lynx or w3m,
which would take over the terminal the app is drawing on: only a graphical browser is used
(roleui/core/browsers.py); elsewhere the caller copies the URL instead.

A federated sign-in URL carries a SigninToken worth 15 minutes of console access, and a browser's command line is
visible to every local user (`ps`). So a secret URL is written into a private file (0600, random name) holding a
page that redirects to it; the browser is given the file's name, and a detached helper removes the file a minute
later (whether or not roleui is still running).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping

from roleui.core.browsers import display_exists, is_text_browser
from roleui.core.private_browser import REMOVE_AFTER, open_secret_url, redirect_page, remove_later

__all__ = ["REMOVE_AFTER", "can_open_browser", "open_in_browser", "open_secret_url", "redirect_page", "remove_later"]


def can_open_browser(environ: Mapping[str, str] | None = None, platform: str = sys.platform) -> bool:
    env = os.environ if environ is None else environ
    chosen = env.get("BROWSER", "")
    if chosen:  # the user chose one; a console browser would draw over the app
        return not all(is_text_browser(name) for name in chosen.split(os.pathsep) if name)
    return display_exists(env, platform)


def open_in_browser(url: str) -> bool:
    """True when a browser was asked to open `url` (blocking for a moment: call it from a worker thread)."""
    if not can_open_browser():
        return False
    return open_secret_url(url)
