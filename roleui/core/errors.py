"""The one family of errors roleui shows to people: each carries a one-line message that says what to do.

The CLI prints `str(error)` on stderr and exits with `error.exit_code`; the UI shows it in a notification.
Nothing here ever holds a secret.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from roleui.core.problems import Problem

# Documented exit statuses (README "Exit status").
EXIT_OK = 0
EXIT_FAILURE = 1  # an AWS call failed for a reason not listed below
EXIT_USAGE = 2  # bad input: arguments, catalog, role reference
EXIT_ACCESS_DENIED = 3  # AccessDenied, invalid MFA code
EXIT_CREDENTIALS = 4  # no base credentials, expired or invalid token
EXIT_NETWORK = 5  # endpoint unreachable, timeout
EXIT_THROTTLED = 6  # still throttled after retries
EXIT_INTERRUPTED = 130


class RoleuiError(Exception):
    """An error with a message fit for a person; `exit_code` is what the CLI exits with."""

    exit_code = EXIT_FAILURE

    def __init__(self, message: str, *, exit_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if exit_code is not None:
            self.exit_code = exit_code

    def __str__(self) -> str:
        return self.message


class UsageError(RoleuiError):
    """Bad input from the command line or a role reference that does not resolve."""

    exit_code = EXIT_USAGE


class ConfigError(RoleuiError):
    """The catalog (or an AWS config file) has problems; all of them are listed, one per line."""

    exit_code = EXIT_USAGE

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
