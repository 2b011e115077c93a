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

import contextlib
import html
import json
import os
import subprocess
import sys
import tempfile
import webbrowser
from collections.abc import Callable, Mapping
from pathlib import Path

from roleui.core.browsers import display_exists, is_text_browser, open_graphical

REMOVE_AFTER = 60  # seconds: the browser has read the page long before

_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><meta name="referrer" content="no-referrer">
<meta http-equiv="refresh" content="0;url={attr}">
<title>roleui: signing in</title></head>
<body><script>window.location.replace({js});</script>
<p>Signing in to the AWS console&hellip; <a href="{attr}">continue</a></p></body></html>
"""


def can_open_browser(environ: Mapping[str, str] | None = None, platform: str = sys.platform) -> bool:
    env = os.environ if environ is None else environ
    chosen = env.get("BROWSER", "")
    if chosen:  # the user chose one; a console browser would draw over the app
        return not all(is_text_browser(name) for name in chosen.split(os.pathsep) if name)
    return display_exists(env, platform)


def redirect_page(url: str) -> str:
    """An HTML page that sends the browser on to `url` (escaped for the attribute and for the script)."""
    return _PAGE.format(attr=html.escape(url, quote=True), js=json.dumps(url).replace("</", "<\\/"))


def remove_later(path: Path, seconds: int = REMOVE_AFTER) -> None:
    """Remove `path` after `seconds`, from a detached process that outlives this one (its argv holds no secret)."""
    code = "import os,sys,time; time.sleep(float(sys.argv[1])); os.unlink(sys.argv[2])"
    # On failure the file stays private (0600) in the temp dir, for the system's cleaner.
    with contextlib.suppress(OSError):
        subprocess.Popen(
            [sys.executable, "-c", code, str(seconds), str(path)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )


def open_secret_url(url: str, opener: Callable[[str], bool] | None = None) -> bool:
    """Open `url` through a private redirect file, so the URL never appears on a command line; True if a browser
    was asked to open it. `opener` (default: webbrowser, new tab) takes the file's URL."""
    fd, name = tempfile.mkstemp(prefix="roleui-signin-", suffix=".html")  # 0600, random name
    path = Path(name)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(redirect_page(url))
    try:
        opened = (opener or _open_new_tab)(path.as_uri())
    except webbrowser.Error:
        opened = False
    if opened:
        remove_later(path)
    else:
        path.unlink(missing_ok=True)
    return opened


def _open_new_tab(url: str) -> bool:
    return open_graphical(url)


def open_in_browser(url: str) -> bool:
    """True when a browser was asked to open `url` (blocking for a moment: call it from a worker thread)."""
    if not can_open_browser():
        return False
    return open_secret_url(url)
