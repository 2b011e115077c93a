"""The `roleui` console script: answers `roleui credential-process ROLE` and `roleui list` from their indexes
before argparse loads.

credential_process runs before every aws CLI call of its profile, and `roleui list` feeds scripts and fuzzy
finders; going through roleui.cli first would cost more than the answer itself (argparse and every command
module). Anything else, and any request an index cannot answer, goes to roleui.cli.
"""

from __future__ import annotations

import sys


def main() -> int:
    if "credential-process" in sys.argv:
        from roleui.core.quick_credentials import main as quick

        if quick(sys.argv[1:]):
            return 0
    elif "list" in sys.argv:
        from roleui.core.quick_list import main as quick_list

        if quick_list(sys.argv[1:]):
            return 0
    from roleui.cli import main as cli_main

    return cli_main()


def entrypoint() -> None:
    sys.exit(main())


if __name__ == "__main__":
    entrypoint()
