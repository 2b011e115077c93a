"""The `roleui` console script: the doors that must open fast, before argparse and the command modules load.

- `roleui credential-process ROLE` runs before every aws CLI call of its profile, and `roleui list` feeds
  scripts and fuzzy finders: both answer from their indexes when they can (quick_credentials.py, quick_list.py).
- `roleui status` runs in shell prompts on every line: it reads only the environment and one status file
  (roleui/fast/status.py); only `--help` goes on to the CLI.
- `roleui [--config P] [--print-env]` opens the UI without building every command's parser.

Anything else, and any request an index cannot answer, goes to roleui.cli. Every door reports a RoleuiError as
one line and its exit status (`guarded`); nothing escapes as a traceback.
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

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs a fast path ~4 ms
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence


def guarded(run: Callable[[], int]) -> int:
    """`run()`'s exit status, with every RoleuiError, Ctrl+C and a closed pipe turned into a line and a status."""
    from roleui.core.errors import EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_USAGE, ConfigError, RoleuiError
    from roleui.core.text import terminal_safe, terminal_safe_lines

    try:
        # From here on Ctrl+C is a KeyboardInterrupt again, so commands can clean up (the UI, subshells).
        _signal.signal(_signal.SIGINT, _signal.default_int_handler)
        return run()
    except RoleuiError as error:
        # Catalog problems read like compiler errors (FILE:LINE: ...); everything else is prefixed with the program.
        # Messages quote names from other people: control characters are shown escaped, never sent to the terminal.
        if isinstance(error, ConfigError):
            print(terminal_safe_lines(error.message), file=sys.stderr)
        else:
            print(f"roleui: {terminal_safe(error.message)}", file=sys.stderr)
        return error.exit_code
    except BrokenPipeError:
        # `roleui list | head`: the reader left; that is not an error worth a traceback.
        sys.stderr.close()
        return 0
    except RecursionError:
        print(
            "roleui: a file roleui read is nested too deeply — check the catalog and run `roleui doctor`",
            file=sys.stderr,
        )
        return EXIT_USAGE
    except OSError as error:
        # A file or directory roleui cannot use (foreign owner, symlink, full disk): say which, in one line.
        where = f" ({terminal_safe(str(error.filename))})" if error.filename else ""
        print(f"roleui: {terminal_safe(error.strerror or str(error))}{where} — run `roleui doctor`", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        print("roleui: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def ui_request(argv: Sequence[str]) -> tuple[str | None, bool] | None:
    """(config, print_env) when argv is `[--config P] [--print-env]` (the UI); None for anything else."""
    config: str | None = None
    print_env = False
    words = list(argv)
    while words:
        word = words.pop(0)
        if word == "--print-env":
            print_env = True
        elif word == "--config" and words and not words[0].startswith("-"):
            config = words.pop(0)
        elif word.startswith("--config=") and len(word) > len("--config="):
            config = word.partition("=")[2]
        else:
            return None
    return config, print_env


def open_ui(config: str | None, print_env: bool) -> int:
    import gc

    gc.disable()  # from the first import on; launch() turns it on again once the first screen is up

    def run() -> int:
        from roleui.commands.ui import launch

        return launch(config, print_env=print_env)

    return guarded(run)


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
    request = ui_request(argv)
    if request is not None:
        return open_ui(*request)
    from roleui.cli import main as cli_main

    return cli_main(argv)


def entrypoint() -> None:
    code = main()
    # Exiting, the interpreter runs full collections while it tears down ~300 modules and what they hold; after a
    # cold `roleui env` one takes ~40 ms (botocore's models and handlers), and shutdown ran ~100 ms of a 600 ms
    # command. Nothing roleui made needs a collection to finish its work (files are closed and synced where they
    # are written; atexit handlers still run; stdout and stderr are still flushed), so the heap is frozen out of
    # the collector's walks first.
    import gc

    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":
    entrypoint()
