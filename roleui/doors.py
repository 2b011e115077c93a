"""What every door of roleui shares, whether it opened in the console script (launcher.py) or in the full
command line (cli.py): `guarded` turns every RoleuiError, Ctrl+C and closed pipe into one line and an exit status;
`ui_request` and `open_ui` recognise the UI's command line and open it.

Both launcher.py and cli.py import this module; it imports neither (so neither imports the other back).
"""

from __future__ import annotations

import _signal  # type: ignore[import-not-found]  # not `signal`: that one imports enum, ~5 ms on a fast path that costs ~25
import sys

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
        if isinstance(error, ConfigError) and any(problem.line for problem in error.problems):
            print(terminal_safe_lines(error.message), file=sys.stderr)
        elif isinstance(error, ConfigError):  # about the whole file (missing, unreadable): a line like any other
            print("\n".join(f"roleui: {terminal_safe(str(p))}" for p in error.problems), file=sys.stderr)
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
