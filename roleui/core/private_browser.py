"""Opening a URL in the user's browser without putting it on a command line.

A browser's command line is visible to every local user (`ps`). A federated sign-in URL carries a SigninToken
worth 15 minutes of console access, and a PKCE authorize URL the `state` and loopback port that let another user
answer the sign-in first. So the URL is written into a private file (0600, random name) holding a page that
redirects to it; the browser is given the file's name, and a detached helper removes the file a minute later
(whether or not roleui is still running). Only a URL core/web_urls.py accepts is ever opened.

Standard library only: the aws layer (the Identity Center sign-in) and the UI both use it.
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
from collections.abc import Callable
from pathlib import Path

from roleui.core.web_urls import is_openable

REMOVE_AFTER = 60  # seconds: the browser has read the page long before

_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><meta name="referrer" content="no-referrer">
<meta http-equiv="refresh" content="0;url={attr}">
<title>roleui: signing in</title></head>
<body><script>window.location.replace({js});</script>
<p>Signing in to the AWS console&hellip; <a href="{attr}">continue</a></p></body></html>
"""


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
    was asked to open it. `opener` (default: a graphical browser, new tab) takes the file's URL. A URL that is not a web
    URL, or a container extension's URL around one (core/web_urls.py), is not opened."""
    if not is_openable(url):
        return False
    fd, name = tempfile.mkstemp(prefix="roleui-signin-", suffix=".html")  # 0600, random name
    path = Path(name)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(redirect_page(url))
    try:
        opened = (opener or _open_new_tab)(path.as_uri())
    except (webbrowser.Error, OSError, ValueError):  # ValueError: a $BROWSER shlex cannot split
        opened = False
    if opened:
        remove_later(path)
    else:
        path.unlink(missing_ok=True)
    return opened


def _open_new_tab(url: str) -> bool:
    # A graphical browser only: a console one (lynx, w3m) would take over the terminal (core/browsers.py).
    from roleui.core.browsers import open_graphical

    return open_graphical(url)
