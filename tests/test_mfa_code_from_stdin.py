"""`--mfa-code -` reads the code from stdin once, whichever command takes it (exec and shell use the options twice:
to assume, then to serve the session)."""

from __future__ import annotations

import pytest
from _engine_helpers import CATALOG, MFA_SERIAL, StsProxy, roleui, write_catalog

pytest_plugins = ("_engine_fixtures",)  # the sts and user fixtures

JUMP = "tooling/JumpRole"
MFA_CATALOG = CATALOG.replace('name = "JumpRole"', f'name = "JumpRole"\n  mfa_serial = "{MFA_SERIAL}"')


@pytest.mark.parametrize(
    ("command", "env"),
    [
        (["exec", JUMP, "--mfa-code", "-", "--", "sh", "-c", "echo in:$ROLEUI_ROLE"], {}),
        (["exec", JUMP, "--static", "--mfa-code", "-", "--", "sh", "-c", "echo in:$ROLEUI_ROLE"], {}),
        (["shell", JUMP, "--mfa-code", "-"], {"SHELL": "/bin/sh"}),
        (["env", JUMP, "--mfa-code", "-"], {}),
    ],
    ids=["exec", "exec-static", "shell", "env"],
)
def test_the_code_on_stdin_opens_the_mfa_session(
    sts: StsProxy, user: tuple[str, str], command: list[str], env: dict[str, str]
) -> None:
    write_catalog(MFA_CATALOG)
    done = roleui(*command, env=env, input="123456\n")
    assert done.returncode == 0, done.stderr
    assert "no code on stdin" not in done.stderr
    (opened,) = sts.actions("GetSessionToken")
    assert (opened.get("SerialNumber"), opened.get("TokenCode")) == (MFA_SERIAL, "123456")
    if command[0] == "exec":
        assert done.stdout.strip() == f"in:{JUMP}"
