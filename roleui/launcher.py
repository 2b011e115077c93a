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

import sys

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs a fast path ~4 ms
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence


def guarded(run: Callable[[], int]) -> int:
    """`run()`'s exit status, with every RoleuiError, Ctrl+C and a closed pipe turned into a line and a status."""
    from roleui.core.errors import EXIT_INTERRUPTED, ConfigError, RoleuiError

    try:
        return run()
    except RoleuiError as error:
        # Catalog problems read like compiler errors (FILE:LINE: ...); everything else is prefixed with the program.
        print(error.message if isinstance(error, ConfigError) else f"roleui: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("roleui: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # `roleui list | head`: the reader left; that is not an error worth a traceback.
        sys.stderr.close()
        return 0


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
    if argv[:1] == ["status"]:
        from roleui.fast.status import main as quick_status

        answered = quick_status(argv)
        if answered is not None:
            return answered
    elif "credential-process" in argv:
        from roleui.fast.credentials import main as quick

        if quick(argv):
            return 0
    elif "list" in argv:
        from roleui.fast.listing import main as quick_list

        if quick_list(argv):
            return 0
    request = ui_request(argv)
    if request is not None:
        return open_ui(*request)
    from roleui.cli import main as cli_main

    return cli_main(argv)


def entrypoint() -> None:
    sys.exit(main())


if __name__ == "__main__":
    entrypoint()
