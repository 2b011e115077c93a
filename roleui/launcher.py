"""The `roleui` console script: answers a `roleui credential-process ROLE` cache hit before argparse loads.

credential_process runs before every aws CLI call of its profile; going through roleui.cli first would cost
more than the answer itself (argparse and every command module). Anything else goes straight to roleui.cli.
"""

from __future__ import annotations

import sys


def main() -> int:
    if "credential-process" in sys.argv:
        from roleui.core.quick_credentials import main as quick

        if quick(sys.argv[1:]):
            return 0
    from roleui.cli import main as cli_main

    return cli_main()


def entrypoint() -> None:
    sys.exit(main())


if __name__ == "__main__":
    entrypoint()
