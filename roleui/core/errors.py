"""The one family of errors roleui shows to people: each carries a one-line message that says what to do.

The CLI prints `str(error)` on stderr and exits with `error.exit_code`; the UI shows it in a notification.
Nothing here ever holds a secret.
"""

from __future__ import annotations

from dataclasses import dataclass

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


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem found in a catalog: where it is, which key, what is wrong and what to do."""

    file: str
    line: int
    key: str
    message: str
    hint: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        text = f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"
        return f"{text} — {self.hint}" if self.hint else text


class ConfigError(RoleuiError):
    """The catalog (or an AWS config file) has problems; all of them are listed, one per line."""

    exit_code = EXIT_USAGE

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))
