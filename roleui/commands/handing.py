"""`exec --name NAME --for D`: a session handed to a tool or an agent, limited in time and revocable.

NAME becomes the session name (RoleSessionName, so CloudTrail shows which tool acted; always allowed, unlike a
source identity, which needs sts:SetSourceIdentity in the role's trust policy) and the child's entry in the registry
(roleui/core/sessions/handed.py) that `roleui sessions` lists and `roleui revoke NAME` marks. --for D asks STS
for a session of D (at least 15 minutes, AWS's minimum) when --duration is not given, and the endpoint stops
renewing after D: the child keeps what it holds until that expires, then its SDK says why.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from roleui.core.durations import parse_duration
from roleui.core.errors import UsageError
from roleui.core.models import MIN_DURATION

if TYPE_CHECKING:
    from roleui.aws.credential_server import Renew
    from roleui.aws.engine import Engine
    from roleui.core.models import Role
    from roleui.core.sessions.session import Session

Limit = Callable[["Renew"], "Renew"]
Gate = Callable[[], "str | None"]


def prepare_handing(args: argparse.Namespace, endpoint: bool) -> None:
    """Check --name and --for before anything is assumed, and let them shape the request."""
    from roleui.core.sessions import handed

    name = getattr(args, "name", None)
    wanted = getattr(args, "for_", None)
    if (name or wanted) and not endpoint:
        raise UsageError(
            "--name and --for need the credential endpoint (exported keys cannot be taken back) — drop --static"
        )
    if name:
        handed.check_name(name)
        held = handed.load_child(name)
        if held is not None and held.pid != os.getpid() and held in handed.live_children():
            raise UsageError(f"a session named {name} is live ({held.role_key}) — choose another --name")
        if args.session_name is None:
            args.session_name = name
    args.for_seconds = None
    if wanted:
        try:
            seconds = parse_duration(wanted)
        except ValueError as error:
            raise UsageError(f"--for: {error}") from None
        if seconds <= 0:
            raise UsageError("--for: give a positive duration, e.g. --for 30m")
        args.for_seconds = seconds
        if args.duration is None:
            args.duration = str(max(MIN_DURATION, seconds))


@contextmanager
def handed_to(
    args: argparse.Namespace, engine: Engine, role: Role, session: Session, argv: list[str]
) -> Iterator[tuple[Limit | None, Gate | None, Callable[[int], None]]]:
    """(renewal limit, request gate, register(port)) for the endpoint of this child; unregistered after."""
    from roleui.core.sessions import handed
    from roleui.core.timefmt import format_time

    name: str | None = getattr(args, "name", None)
    seconds: int | None = getattr(args, "for_seconds", None)
    handed.record_handed(session, child=name or os.path.basename(argv[0]), now=engine.clock())
    started = engine.clock()
    until = handed.deadline(started, seconds)
    label = name or os.path.basename(argv[0])

    def limit(renew: Renew) -> Renew:
        return handed.limited_renewal(renew, label, until, engine.clock)

    def gate() -> str | None:
        return handed.refusal(name) if name else None

    def register(port: int) -> None:
        if name:
            handed.register(
                handed.Child(
                    name=name,
                    pid=os.getpid(),
                    role_key=role.key,
                    role_arn=role.arn,
                    scope=session.scope,
                    port=port,
                    started=format_time(started),
                    until=format_time(until) if until else None,
                    command=os.path.basename(argv[0]),  # not its arguments: they may hold secrets
                )
            )

    try:
        yield limit, (gate if name else None), register
    finally:
        if name:
            handed.unregister(name, os.getpid())
