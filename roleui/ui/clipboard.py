"""Copying to the clipboard: Textual's OSC 52 escape, plus the platform's own tool where one exists.

OSC 52 works over SSH and in most terminals, but not in macOS Terminal.app, nor in tmux without
`set -g set-clipboard on`; the native tools (pbcopy, wl-copy, xclip, xsel) cover those cases. The native copy
runs in a daemon thread because xclip stays alive to serve the selection and a missing display must not block
the UI. When only OSC 52 was possible roleui cannot know the copy arrived, and says so (see `done`); callers decide
what is shown, never a secret.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.app import App

NATIVE_TIMEOUT = 3.0


def native_copy_command(environ: dict[str, str] | None = None, platform: str = sys.platform) -> list[str] | None:
    """The argv of a clipboard tool that reads stdin, for this platform and session; None when there is none."""
    env = os.environ if environ is None else environ
    candidates: list[list[str]] = []
    if platform == "darwin":
        candidates.append(["pbcopy"])
    if env.get("WAYLAND_DISPLAY"):
        candidates.append(["wl-copy"])
    if env.get("DISPLAY"):
        candidates += [["xclip", "-selection", "clipboard"], ["xsel", "--clipboard", "--input"]]
    path = env.get("PATH")
    for argv in candidates:
        found = shutil.which(argv[0], path=path)
        if found:
            return [found, *argv[1:]]
    return None


def copy_natively(text: str, argv: list[str]) -> bool:
    """Feed `text` to a clipboard tool; False when it failed (the OSC 52 copy may still have worked)."""
    try:
        done = subprocess.run(
            argv,
            input=text.encode("utf-8"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=NATIVE_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def copy_text(
    app: App[Any],
    text: str,
    *,
    native: list[str] | None = None,
    done: Callable[[bool], None] | None = None,
) -> threading.Thread | None:
    """Copy through OSC 52 (sets `app.clipboard`) and, in the background, the native tool if there is one.

    `done(copied)` runs on the app's thread: True when a clipboard tool took the text, False when only the OSC 52
    escape was sent — nothing tells whether the terminal (or tmux, without `set -g set-clipboard on`) passed it on.
    Returns the thread doing the native copy (tests join it), or None when no native tool applies.
    """
    app.copy_to_clipboard(text)
    argv = native if native is not None else native_copy_command()
    if argv is None:
        if done is not None:
            done(False)
        return None

    def copy() -> None:
        copied = copy_natively(text, argv)
        if done is not None:
            with contextlib.suppress(RuntimeError):  # the app has closed meanwhile
                app.call_from_thread(done, copied)

    thread = threading.Thread(target=copy, name="roleui-clipboard", daemon=True)
    thread.start()
    return thread
