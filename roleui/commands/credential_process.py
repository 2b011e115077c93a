"""`roleui credential-process ROLE`: the credential_process JSON for `~/.aws/config`.

    [profile data]
    credential_process = roleui credential-process shared-data/CrossAccountS3ReadOnly

It runs before every aws CLI call of that profile, so a cache hit never imports boto3 and never calls AWS:
first the index of roleui/fast/credentials.py (no catalog read at all), then the credential cache of
roleui/core/sessions/credcache.py; only a miss loads the engine. botocore asks again on every call once the
session it holds has 15 minutes or less left, so a cached session that is due for renewal by the rule the
credential endpoint uses (roleui/core/sessions/renewal.py) is replaced by a renewed one when the role can be
re-assumed without a new MFA code (else the held one is handed out while it lasts). A profile whose base
credentials lead back here would loop forever; the ROLEUI_CREDENTIAL_PROCESS marker stops that with a clear message.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from roleui.commands.session_args import add_assume_options, add_role_argument, load_role, options_from_args
from roleui.core.errors import EXIT_OK, UsageError
from roleui.fast.index import MARKER

if TYPE_CHECKING:
    from roleui.core.models import Catalog, Role
    from roleui.core.sessions.assume_plan import AssumeOptions
    from roleui.core.sessions.session import Session


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "credential-process",
        help="print credential_process JSON (for ~/.aws/config)",
        description="Print the role session as credential_process JSON (Version 1, with Expiration).",
    )
    add_role_argument(parser)
    add_assume_options(parser)


def _plain(args: argparse.Namespace) -> bool:
    """Only the catalog's own options: the requests the fast-path index answers."""
    scoped = args.scope or args.policy_arn or args.policy or args.reason  # a scoped session is never the index's
    return not (
        args.duration or args.session_name or args.region or args.mfa_code or args.tag or args.no_cache or scoped
    )


def run(args: argparse.Namespace) -> int:
    from roleui.fast import credentials as quick

    if os.environ.get(MARKER):
        raise UsageError(
            f"credential_process loop: the base credentials of {args.role} run `roleui credential-process` again — "
            "set source_profile in the catalog to a profile with its own credentials"
        )
    if _plain(args) and quick.answer(args.config, args.role):
        return EXIT_OK
    os.environ[MARKER] = args.role  # inherited by any credential_process botocore runs for the base credentials
    try:
        return _answer(args)
    finally:
        os.environ.pop(MARKER, None)


def _answer(args: argparse.Namespace) -> int:
    from roleui.core.clock import utc_now
    from roleui.core.sessions.credcache import fresh_session
    from roleui.core.sessions.renewal import due_for_renewal
    from roleui.core.sessions.session_env import credential_process_output

    catalog, role = load_role(args)
    options = options_from_args(args)
    now = utc_now()
    session = fresh_session(catalog, role, options, now=now, environ=os.environ)
    if session is not None and due_for_renewal(session, now, catalog.defaults.cache_margin):
        session = _renewed(catalog, role, options, session)
    if session is None:
        from roleui.commands.session_args import assume

        session = assume(args, catalog, role)
    from roleui.core.sessions.handed import record_handed

    record_handed(session, child=os.environ.get("ROLEUI_CHILD") or None)
    sys.stdout.write(credential_process_output(session))
    if _plain(args):
        _remember(args, catalog, role, session)
    return EXIT_OK


def _renewed(catalog: Catalog, role: Role, options: AssumeOptions, held: Session) -> Session:
    """A renewed session for `held`, which is still valid but due for renewal: assumed anew as the credential
    endpoint renews (no question asked: the chain and the MFA session are reused). `held` itself when that would
    need a new MFA code, or when renewing fails (said on stderr, which botocore shows only on failure)."""
    from dataclasses import replace

    from roleui.aws.clients import command_deadline
    from roleui.commands.session_args import make_engine, warn
    from roleui.core.errors import RoleuiError

    def no_code(serial: str) -> str:
        raise RoleuiError(f"a new MFA code for {serial} is needed")

    engine = make_engine(catalog)
    anew = replace(options, use_cache=False)
    if engine.mfa_serial_needed(role, anew) is not None:
        return held  # only a new code would renew it: the normal path asks once it is really used up
    try:
        with command_deadline():
            return engine.assume(role, anew, mfa=no_code)
    except RoleuiError as error:
        warn(f"could not renew {role.key} early: {error.message}")
        return held


def _remember(args: argparse.Namespace, catalog: Catalog, role: Role, session: Session) -> None:
    """Leave the fast-path index entry for this request (see roleui/fast/credentials.py)."""
    from roleui.core.paths import aws_config_path, cache_dir, config_path
    from roleui.core.sessions.assume_plan import plan_assume
    from roleui.core.sessions.credcache import CredentialCache, request_key
    from roleui.core.sessions.renewal import refresh_margin
    from roleui.fast import credentials as quick

    cache = CredentialCache()
    session_file = cache.role_path(role.arn, request_key(plan_assume(catalog, role), os.environ))
    credentials_file = os.path.expanduser(os.environ.get("AWS_SHARED_CREDENTIALS_FILE") or "~/.aws/credentials")
    depends_on = [
        str(config_path(args.config)[0].absolute()),
        str(aws_config_path()),
        credentials_file,
        str(cache_dir()),
    ]
    name = quick.index_name(args.config, args.role, os.environ, os.getcwd())
    quick.write_entry(
        str(cache.directory),
        name,
        session_file=str(session_file),
        margin=refresh_margin(session, catalog.defaults.cache_margin),  # inside it, the normal path renews
        depends_on=depends_on,
    )
