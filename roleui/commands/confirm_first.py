"""The command line's confirmation before a new session of a role that asks first (`confirm = true`, an
organization rule, `[defaults] confirm_tags`, or a `via` hop that asks): one y/N question on the terminal, as the
UI's dialog asks once. The question goes to /dev/tty, like the MFA prompt, so it works under `eval "$(roleui env
...)"` and as a credential_process; `--yes` answers it for scripts. A cached session asks nothing."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from roleui.core.errors import RoleuiError, UsageError

if TYPE_CHECKING:
    from roleui.aws.engine import Engine
    from roleui.core.models import Role
    from roleui.core.sessions.assume_plan import AssumeOptions


def confirm_first(engine: Engine, role: Role, options: AssumeOptions, *, yes: bool) -> None:
    """Ask before `role` gets a new session when it (or a hop of its chain) asks first; RoleuiError for no."""
    from roleui.core.text import terminal_safe
    from roleui.core.world.confirmation import chain_confirmation_reason

    asking = engine.confirmations_due(role, options)
    if not asking or yes:
        return
    reason = terminal_safe(chain_confirmation_reason(role, asking, engine.catalog.defaults))
    key = terminal_safe(role.key)
    try:
        fd = os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY)
    except OSError:
        raise UsageError(f"{key} asks first and there is no terminal to ask on ({reason}) — pass --yes") from None
    try:
        os.write(fd, f"{reason}\nAssume {key}? [y/N] ".encode())
        answer = os.read(fd, 64).decode(errors="replace").strip().lower()  # a terminal hands over one line
    finally:
        os.close(fd)
    if answer not in ("y", "yes"):
        raise RoleuiError(f"{key}: not assumed")
