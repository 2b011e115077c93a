"""`roleui revoke NAME`: the endpoint serving the child NAME (`exec --name NAME`) refuses from now on.
`roleui revoke ROLE --aws [--yes]`: IAM's "revoke active sessions" on ROLE (roleui/aws/revoke_sessions.py), after
a confirmation that names the account and the role.
"""

from __future__ import annotations

import argparse
import os
import sys

from roleui.core.errors import EXIT_OK, UsageError


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "revoke",
        help="stop handing credentials to a named child, or revoke a role's sessions in AWS (--aws)",
        description="Revoke the session of a child started with `exec --name NAME` (its next credential request "
        "fails), or with --aws deny every session of ROLE issued before now (IAM's AWSRevokeOlderSessions).",
    )
    parser.add_argument(
        "target", metavar="NAME|ROLE", help="a child's name (see `roleui sessions`), or with --aws a role"
    )
    parser.add_argument("--aws", action="store_true", help="revoke in AWS every session of ROLE issued before now")
    parser.add_argument("--yes", action="store_true", help="with --aws: do not ask for confirmation")


def run(args: argparse.Namespace) -> int:
    from roleui.core.clock import utc_now
    from roleui.core.text import terminal_safe

    if not args.aws:
        from roleui.core.sessions.handed import revoke

        child = revoke(args.target, utc_now())
        print(terminal_safe(f"revoked {child.name} ({child.role_key}): its next credential request is refused"))
        return EXIT_OK
    return _revoke_in_aws(args)


def _revoke_in_aws(args: argparse.Namespace) -> int:
    from roleui.aws.clients import command_deadline, region_for
    from roleui.aws.mfa import tty_prompt
    from roleui.aws.revoke_sessions import POLICY_NAME, revoke_older_sessions
    from roleui.commands.session_args import load_role, make_engine
    from roleui.core.clock import utc_now
    from roleui.core.sessions.assume_plan import AssumeOptions
    from roleui.core.sessions.trail import record
    from roleui.core.text import terminal_safe

    args.role = args.target
    catalog, role = load_role(args)
    if role.is_permission_set:
        raise UsageError(
            f"{role.key} is an IAM Identity Center permission set — revoke its sessions in the IAM console of "
            f"account {role.account.id} (its role is AWSReservedSSO_{role.name}_...)"
        )
    question = (
        f"Revoke every session of role {role.path_and_name} in account {role.account.name} ({role.account.id}) "
        f"issued before now? IAM attaches the inline deny {POLICY_NAME} to the role."
    )
    if not args.yes:
        if not sys.stdin.isatty():
            raise UsageError(f"{terminal_safe(question)} — confirm with --yes (no terminal to ask)")
        answer = input(terminal_safe(question) + " [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            print("roleui: nothing revoked", file=sys.stderr)
            return EXIT_OK
    engine = make_engine(catalog)
    with command_deadline():
        # The role's own session, unscoped (ROLEUI_MFA_CODE, mfa_process or a prompt for an MFA role).
        code = os.environ.get("ROLEUI_MFA_CODE") or None
        session = engine.assume(role, AssumeOptions(mfa_code=code), mfa=tty_prompt)
        now = utc_now()
        region = region_for(role.account.partition, session.region)
        revoke_older_sessions(session.credentials, role.name, now, region, f"revoking the sessions of {role.key}")
    record("revoke", now, role_key=role.key, role_arn=role.arn, result=f"{POLICY_NAME} put")
    print(
        terminal_safe(f"revoked every session of {role.key} issued before {now:%Y-%m-%d %H:%M:%S} UTC ({POLICY_NAME})")
    )
    return EXIT_OK
