"""`roleui console-url ROLE [--federated] [--open] [--destination URL]`: a link into the AWS console.

By default the console's switch-role link (no AWS call: the browser's console session switches); for a permission
set of IAM Identity Center the access portal's shortcut link (with --destination as its destination). With
--federated, the role is assumed and a federated sign-in URL is made through the federation endpoint
(ROLEUI_FEDERATION_ENDPOINT overrides it). --open opens the URL in the browser ($BROWSER is honoured) the way the
catalog's `[browser]` table says, or `--browser MODE` (roleui/ui/console_browser.py).
"""

from __future__ import annotations

import argparse
import sys

from roleui.commands.session_args import add_assume_options, add_role_argument, assume, load_role, warn
from roleui.core.browser_config import MODES
from roleui.core.errors import EXIT_OK, UsageError
from roleui.core.text import terminal_safe


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "console-url",
        help="print (or open) the console switch-role or federated sign-in URL",
        description="Print the AWS console switch-role URL of ROLE, or with --federated a sign-in URL for its session.",
    )
    add_role_argument(parser)
    parser.add_argument("--federated", action="store_true", help="assume the role and sign in with its session")
    parser.add_argument("--open", action="store_true", help="open the URL in the web browser")
    parser.add_argument(
        "--browser",
        choices=MODES,
        metavar="MODE",
        help=f"with --open: how to open it ({', '.join(MODES)}; default: the catalog's [browser] mode)",
    )
    parser.add_argument(
        "--destination", metavar="URL", help="console page to land on (--federated, or a permission set)"
    )
    parser.add_argument("--display-name", metavar="TEXT", help="switch-role display name (default: account/role)")
    add_assume_options(parser)


def run(args: argparse.Namespace) -> int:
    catalog, role = load_role(args)
    if args.destination and not args.federated and not role.is_permission_set:
        raise UsageError("--destination needs --federated (the switch-role link always lands on the console home)")
    if args.browser and not args.open:
        raise UsageError("--browser needs --open (it says how the console is opened)")
    lasts = None
    if args.federated:
        from roleui.aws.federation import federated_console_url
        from roleui.core.browser_modes import console_session_seconds
        from roleui.core.clock import utc_now

        session = assume(args, catalog, role)
        url = federated_console_url(session, destination=args.destination)
        lasts = console_session_seconds(session.seconds_left(utc_now()), chained=session.chained)
    else:
        from roleui.core.console import console_link

        url = console_link(role, display_name=args.display_name, destination=args.destination)
    if args.open:
        # Through a private redirect file: a sign-in token on the browser's command line is visible in `ps`.
        from dataclasses import replace

        from roleui.core.clock import utc_now
        from roleui.core.durations import format_duration
        from roleui.ui.console_browser import open_console

        config = replace(catalog.browser, mode=args.browser) if args.browser else catalog.browser
        if config.mode == "command" and not config.command:
            raise UsageError('--browser command needs a [browser] command = "... {url}" in the catalog')
        opened = open_console(role, url, config, now=utc_now(), lasts=lasts, federated=args.federated)
        if opened is not None:
            until = f" (console session {format_duration(lasts)})" if lasts is not None else ""
            print(f"roleui: opened the console for {terminal_safe(role.key)} in {opened.where}{until}", file=sys.stderr)
            if opened.warning:
                warn(opened.warning)
            return EXIT_OK
        warn("no web browser found — open this URL yourself")
    print(url)
    return EXIT_OK
