"""Where an MFA code comes from: `--mfa-code`, the catalog's `mfa_process` command, or a prompt.

`MfaCodeProvider` is what the UI (a modal) and the CLI (a prompt on the terminal) hand to the engine: called
with the device serial, it returns a 6-digit code or raises a RoleuiError to cancel. The prompt reads from
/dev/tty without echo, so it works under `eval "$(roleui env ...)"` and as a credential_process whose
output the aws CLI captures.
"""

from __future__ import annotations

import getpass
import os
import re
import subprocess
import sys
from collections.abc import Callable

from roleui.core.errors import EXIT_USAGE, RoleuiError, UsageError
from roleui.core.limits import check_token_code

MfaCodeProvider = Callable[[str], str]

PROCESS_TIMEOUT = 60.0  # a hardware key may wait for a touch
_CODE = re.compile(r"(?<!\d)(\d{6})(?!\d)")
PROMPT_TRIES = 3


def code_from_process(command: str, serial: str) -> str:
    """Run `mfa_process` (through the shell, as written in the catalog) and take the 6-digit code it prints last."""
    env = {**os.environ, "ROLEUI_MFA_SERIAL": serial}
    try:
        # The user's own command line from their own catalog: a shell lets it use pipes (`pass otp aws | head -1`).
        done = subprocess.run(  # noqa: S602
            command, shell=True, env=env, capture_output=True, text=True, timeout=PROCESS_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        raise RoleuiError(
            f"mfa_process gave no code within {int(PROCESS_TIMEOUT)} s — check the command (and touch the key)",
            exit_code=EXIT_USAGE,
        ) from None
    except OSError as error:
        raise RoleuiError(
            f"mfa_process could not start: {error.strerror} — fix mfa_process", exit_code=EXIT_USAGE
        ) from None
    if done.returncode != 0:
        raise RoleuiError(
            f"mfa_process failed with exit status {done.returncode} — run it by hand to see why, then fix mfa_process",
            exit_code=EXIT_USAGE,
        )
    codes = _CODE.findall(done.stdout)
    if not codes:
        raise RoleuiError(
            "mfa_process printed no 6-digit code — make it print the code (e.g. `ykman oath accounts code -s NAME`)",
            exit_code=EXIT_USAGE,
        )
    code: str = codes[-1]
    return code


def has_tty() -> bool:
    try:
        fd = os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY)
    except OSError:
        return False
    os.close(fd)
    return True


def tty_prompt(serial: str) -> str:
    """Ask on the terminal (no echo); three tries at a 6-digit code."""
    if not has_tty():
        raise UsageError(
            f"an MFA code for {serial} is needed and there is no terminal to ask on — pass --mfa-code or set mfa_process"
        )
    for _ in range(PROMPT_TRIES):
        try:
            code = getpass.getpass(f"MFA code for {serial}: ").strip()
        except EOFError:
            raise UsageError("no MFA code given — pass --mfa-code or set mfa_process") from None
        if check_token_code(code) is None:
            return code
        print("roleui: the MFA code must be exactly 6 digits", file=sys.stderr)
    raise UsageError(f"no valid MFA code for {serial} after {PROMPT_TRIES} tries — type the 6 digits your device shows")


class CodeSource:
    """The codes of one assume: the given code is used once (AWS refuses a code twice), then mfa_process, then ask."""

    def __init__(self, given: str | None, process: str | None, provider: MfaCodeProvider | None) -> None:
        self._given = given
        self._process = process
        self._provider = provider

    def code(self, serial: str) -> str:
        if self._given is not None:
            code, self._given = self._given, None
            return code
        if self._process:
            return code_from_process(self._process, serial)
        if self._provider is not None:
            code = self._provider(serial).strip()
            finding = check_token_code(code)
            if finding is not None:
                raise UsageError(f"{finding[0]} — {finding[1]}")
            return code
        raise UsageError(f"an MFA code for {serial} is needed — pass --mfa-code or set mfa_process")
