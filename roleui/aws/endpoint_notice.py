"""Where a credential endpoint's failed renewal is told when nobody else listens: the terminal roleui was started
from. The JS SDK v3 shows the child only "Server responded with status: 503" (it drops the body of a 5xx), so
the user learns why from roleui itself, whatever the child's SDK shows: one line per failure episode, on the
process's own stderr (the terminal of `exec`/`shell`, and of the UI while a subshell has it), never a secret
(the engine's messages are redacted) and never a control character (core/text.py)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from contextlib import suppress

from roleui.core.text import terminal_safe


def renewal_failure(role_key: str, message: str) -> str:
    """The one line the endpoint's 503 and the terminal both carry."""
    return f"roleui could not renew {role_key}: {message}"


def terminal_notice(role_key: str) -> Callable[[str], None]:
    """An endpoint's `on_error` that writes the failure's line to the original stderr."""

    def tell(message: str) -> None:
        stream = sys.__stderr__
        if stream is None:
            return
        with suppress(OSError, ValueError):  # a closed or vanished terminal: the status file still has it
            stream.write(terminal_safe(renewal_failure(role_key, message)) + "\n")
            stream.flush()

    return tell
