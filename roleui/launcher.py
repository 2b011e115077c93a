"""The `roleui` console script: the doors that must open fast, before argparse and the command modules load.

- `roleui credential-process ROLE` runs before every aws CLI call of its profile, and `roleui list` feeds
  scripts and fuzzy finders: both answer from their indexes when they can (quick_credentials.py, quick_list.py).
- `roleui status` runs in shell prompts on every line: it reads only the environment and one status file
  (roleui/fast/status.py); only `--help` goes on to the CLI.
- `roleui [--config P] [--print-env]` opens the UI without building every command's parser.
- `roleui env ROLE` and `roleui credential-process ROLE` (a cold assume: import botocore, one call, print, exit)
  run without the cyclic garbage collector (`entrypoint`).

Anything else, and any request an index cannot answer, goes to roleui.cli. Every door reports a RoleuiError as
one line and its exit status (`guarded`, roleui/doors.py); nothing escapes as a traceback.
"""

from __future__ import annotations

import _signal  # type: ignore[import-not-found]  # not `signal`: that one imports enum, ~5 ms on a fast path that costs ~25
import os
import sys


def _interrupted_early(_number: int, _frame: object) -> None:
    """Ctrl+C before a door's guard is up (imports, a fast path): one line and 130, never a traceback."""
    os.write(2, b"roleui: interrupted\n")
    os._exit(130)


# First thing, and cheap: a Ctrl+C in the first milliseconds must not print a KeyboardInterrupt traceback.
_signal.signal(_signal.SIGINT, _interrupted_early)


def main() -> int:
    argv = sys.argv[1:]
    # The fast doors answer from indexes; a damaged index is an absent one, so any failure there falls through to
    # the normal path (which decides afresh and replaces it).
    if argv[:1] == ["status"]:
        from roleui.fast.status import main as quick_status

        answered = quick_status(argv)
        if answered is not None:
            return answered
    from roleui.core.process_guard import no_core_dumps

    no_core_dumps()  # every other door may hold a session: no core file of it (core/process_guard.py)
    if "credential-process" in argv:
        try:
            from roleui.fast.credentials import main as quick

            if quick(argv):
                return 0
        except Exception:  # noqa: S110 - see above
            pass
    elif "list" in argv:
        try:
            from roleui.fast.listing import main as quick_list

            if quick_list(argv):
                return 0
        except Exception:  # noqa: S110 - see above
            pass
    from roleui.doors import open_ui, ui_request

    request = ui_request(argv)
    if request is not None:
        return open_ui(*request)
    from roleui.cli import main as cli_main

    return cli_main(argv)


# The commands that assume a role (or answer from the cache), print and exit: nothing runs long after the work.
UNCOLLECTED = frozenset({"env", "credential-process"})


def _command(argv: list[str]) -> str | None:
    """The command argv names: its first word that is not an option or --config's value (as roleui.cli reads it).

    roleui.cli's `named_command` reads it the same way; the two are not one function because roleui.cli imports
    argparse (a cost here, on every door) and this module imports roleui.cli (an import cycle the other way)."""
    skip = False
    for word in argv:
        if skip:
            skip = False
        elif word == "--config":
            skip = True
        elif not word.startswith("-"):
            return word
    return None


def entrypoint() -> None:
    import gc

    if _command(sys.argv[1:]) in UNCOLLECTED:
        # A cold assume imports ~300 modules (botocore's models, handlers, regexes) and frees almost nothing: the
        # collector's ~80 passes over what the imports allocate cost ~15 ms of a ~270 ms command and find no
        # garbage worth the time. These commands do one piece of work and exit, so nothing can pile up; every
        # other command (the UI, exec, shell, the endpoint, list over a whole organization) collects as usual.
        gc.disable()
    code = main()
    # Exiting, the interpreter runs full collections while it tears down ~300 modules and what they hold; after a
    # cold `roleui env` one takes ~40 ms (botocore's models and handlers), and shutdown ran ~100 ms of a 600 ms
    # command. Nothing roleui made needs a collection to finish its work (files are closed and synced where they
    # are written; atexit handlers still run; stdout and stderr are still flushed), so the heap is frozen out of
    # the collector's walks first (shutdown collects even when the collector is disabled).
    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":
    entrypoint()
