"""`roleui` with no command: open the terminal UI (and, with `--print-env`, print the last session on quit).

`eval "$(roleui --print-env)"` captures stdout, so the UI must not use it: Textual draws on stderr (its Linux
driver writes there) and reads the keyboard from stdin, both still the terminal; the exports go to stdout only
after the app has closed. A subshell started from the UI gets the terminal as its stdout (roleui/ui/subshell.py).
"""

from __future__ import annotations

import gc
import os
import sys
from typing import TYPE_CHECKING

from roleui.core.errors import EXIT_OK, UsageError
from roleui.core.text import terminal_safe

if TYPE_CHECKING:
    from roleui.aws.engine import Engine
    from roleui.ui.app import RoleuiApp
    from roleui.ui.demo_info import DemoInfo


def _check_terminal() -> None:
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        raise UsageError(
            "the UI needs a terminal on stdin and stderr — run it in a terminal, or use `roleui list` / `roleui env ROLE`"
        )


FRAMES_PER_SECOND = "1000"
SWITCH_INTERVAL = 0.001  # seconds (Python's default: 0.005)


def _frame_rate() -> None:
    """Let Textual draw a frame as soon as one is due (unless TEXTUAL_FPS says otherwise).

    Textual's frame rate is not a cadence but the least time between two frames: a refresh waits for the next
    slot, 1 to 2 periods after the last frame (16.7-33 ms at its default 60 Hz). A keystroke's echo, then its list,
    are two frames in a row: at 60 or 120 Hz the list waited a slot for nothing. At 1000 Hz a frame follows the
    last within ~1-2 ms; an idle app draws nothing either way (the timer is paused), and a frame takes longer
    than a millisecond to draw, so frames are never drawn faster than the app has something to show. Textual
    reads TEXTUAL_FPS once, at import; it is removed again so the subshells the UI starts do not inherit it.
    """
    if "TEXTUAL_FPS" in os.environ or "textual.screen" in sys.modules:
        return
    os.environ["TEXTUAL_FPS"] = FRAMES_PER_SECOND
    try:
        import textual.constants
        import textual.screen  # noqa: F401 - computes its frame period from the constant now
    finally:
        del os.environ["TEXTUAL_FPS"]


def launch(explicit_config: str | None, *, print_env: bool = False, demo: DemoInfo | None = None) -> int:
    """Load the world, open the app, and return the exit status (0 unless the app failed)."""
    # No garbage collection until the first screen is up: the imports and the world allocate a great deal and
    # free almost nothing (a cycle collection every 700 allocations costs the start ~10 ms). Then everything
    # allocated so far — modules, the world of 30,000 roles, the widgets — is frozen out of the collector's walks
    # for good (a full collection over the world takes ~16 ms, a visible hitch while typing) and it is enabled.
    gc.disable()
    try:
        return _launch(explicit_config, print_env=print_env, demo=demo)
    finally:
        gc.enable()


def _before_credentials() -> None:
    """What must hold before the UI reads or obtains any session or token: no core file, no ptrace by the user's
    other processes (core/process_guard.py), and the trail naming the UI as the command that obtained them.

    Called once the first screen is up, before the app reads the caches (and by the engine factory in _launch, for
    a key pressed before the first screen). Not earlier: prctl needs ctypes (~4 ms of the first screen), the trail
    module ~2 ms, and until then the process holds the world (no secret) and the environment its shell holds too.
    """
    from roleui.core.process_guard import not_dumpable
    from roleui.core.sessions import trail

    not_dumpable()
    trail.COMMAND = "ui"


def _after_first_screen() -> None:
    from roleui.ui import held_collections

    _before_credentials()
    gc.freeze()
    held_collections.hold()  # the app's tick runs them, between keystrokes
    gc.enable()


def _launch(explicit_config: str | None, *, print_env: bool, demo: DemoInfo | None) -> int:
    from roleui.aws.sources import load_world

    _check_terminal()
    notices: list[str] = []
    catalog = load_world(explicit_config, warn=notices.append, cached=True)

    _frame_rate()
    # Textual writes each frame from a thread of its own, which needs the interpreter's lock while the main thread
    # filters 30,000 roles: by default it waits up to 5 ms for it, and the echo of a key reached the terminal
    # late. 1 ms bounds that wait; the app's other threads are idle workers, so the switches cost nothing measurable.
    sys.setswitchinterval(SWITCH_INTERVAL)
    from roleui.ui.app import RoleuiApp

    app: RoleuiApp | None = None

    def warn(text: str) -> None:
        if app is not None and app.is_running:
            app.warn(text)
        else:
            print(f"roleui: {terminal_safe(text)}", file=sys.stderr)

    def engine() -> Engine:
        from roleui.aws.engine import Engine

        _before_credentials()  # done already if the first screen is up; a key pressed before it may come here first
        return Engine(catalog, warn=warn)

    driver_class = None
    if not sys.stdout.isatty() and sys.platform != "win32":
        from roleui.ui.driver import StderrSizedDriver

        driver_class = StderrSizedDriver
    app = RoleuiApp(
        catalog,
        engine,
        demo=demo,
        explicit_config=explicit_config,
        print_env=print_env,
        notices=notices,
        driver_class=driver_class,
        on_first_screen=_after_first_screen,
    )
    app.run()
    if app.return_code:
        return app.return_code
    if print_env:
        return _print_last_session(app)
    return EXIT_OK


def _print_last_session(app: RoleuiApp) -> int:
    from roleui.core.sessions.session_env import export_script

    session = app.last_session
    if session is None:
        print("roleui: no session was assumed; nothing to export", file=sys.stderr)
        return EXIT_OK
    if session.is_expired(app.clock()):
        print(
            f"roleui: the session of {terminal_safe(session.role_key)} has expired; nothing to export", file=sys.stderr
        )
        return EXIT_OK
    sys.stdout.write(export_script(session, "sh", os.environ))
    sys.stdout.flush()
    print(f"roleui: exported {terminal_safe(session.role_key)}", file=sys.stderr)
    return EXIT_OK
