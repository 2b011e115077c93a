"""`roleui console-url ROLE [--federated] [--open] [--destination URL]`: a link into the AWS console.

By default the console's switch-role link (no AWS call: the browser's console session switches); for a permission
set of IAM Identity Center the access portal's shortcut link (with --destination as its destination). With
--federated, the role is assumed and a federated sign-in URL is made through the federation endpoint
(ROLEUI_FEDERATION_ENDPOINT overrides it). --open opens the URL in the browser ($BROWSER is honoured).
"""

from __future__ import annotations

import argparse
import sys

from roleui.commands.session_args import add_assume_options, add_role_argument, assume, load_role, warn
from roleui.core.errors import EXIT_OK, UsageError


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
        "--destination", metavar="URL", help="console page to land on (--federated, or a permission set)"
    )
    parser.add_argument("--display-name", metavar="TEXT", help="switch-role display name (default: account/role)")
    add_assume_options(parser)


def run(args: argparse.Namespace) -> int:
    catalog, role = load_role(args)
    if args.destination and not args.federated and not role.is_permission_set:
        raise UsageError("--destination needs --federated (the switch-role link always lands on the console home)")
    if args.federated:
        from roleui.aws.federation import federated_console_url

        url = federated_console_url(assume(args, catalog, role), destination=args.destination)
    else:
        from roleui.core.console import console_link

        url = console_link(role, display_name=args.display_name, destination=args.destination)
    if args.open:
        import webbrowser

        if webbrowser.open(url):
            print(f"roleui: opened the console for {role.key} in the browser", file=sys.stderr)
            return EXIT_OK
        warn("no web browser found — open this URL yourself")
    print(url)
    return EXIT_OK
