"""`roleui shell` and the MFA prompt, driven in a real pseudo-terminal."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pexpect
import pytest
from _engine_helpers import CATALOG, MFA_SERIAL, ROLEUI, ROOT, StsProxy, write_catalog

pytest_plugins = ("_engine_fixtures",)  # the sts and user fixtures

JUMP_ARN = "arn:aws:iam::111111111111:role/JumpRole"


def spawn(*args: str, env: dict[str, str] | None = None) -> pexpect.spawn:
    return pexpect.spawn(
        ROLEUI[0],
        [*ROLEUI[1:], *args],
        env={**os.environ, "TERM": "dumb", **(env or {})},
        cwd=str(ROOT),
        timeout=60,
        encoding="utf-8",
    )


RC_FILES = {"bash": ".bashrc", "zsh": ".zshrc", "fish": ".config/fish/config.fish", "sh": None}


@pytest.mark.parametrize("shell", ["bash", "sh", "zsh", "fish"])
def test_the_shell_runs_interactively_in_the_session_with_a_prompt_marker(
    sts: StsProxy, user: tuple[str, str], shell: str
) -> None:
    path = shutil.which(shell)
    if path is None:
        pytest.skip(f"{shell} is not installed")
    rc = RC_FILES[shell]
    if rc:  # the user's own rc file is still read
        rc_path = Path(os.environ["HOME"]) / rc
        rc_path.parent.mkdir(parents=True, exist_ok=True)
        rc_path.write_text("set -gx FROM_RC yes\n" if shell == "fish" else "export FROM_RC=yes\n")
    write_catalog()
    child = spawn("shell", "tooling/JumpRole", env={"SHELL": path, "PS1": "$ "})
    child.expect_exact("(roleui tooling/JumpRole) ")
    child.sendline('echo "arn=$ROLEUI_ROLE_ARN region=$AWS_DEFAULT_REGION rc=$FROM_RC"')
    child.expect_exact(f"arn={JUMP_ARN} region=eu-west-1 rc={'yes' if rc else ''}")
    child.sendline("exit 5")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 5


def test_the_shell_refuses_to_start_inside_a_roleui_session(sts: StsProxy, user: tuple[str, str]) -> None:
    write_catalog()
    child = spawn(
        "shell", "tooling/JumpRole", env={"SHELL": "/bin/sh", "ROLEUI_ROLE": "shared-data/CrossAccountS3ReadOnly"}
    )
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2
    assert "already inside a roleui session (shared-data/CrossAccountS3ReadOnly)" in (child.before or "")


MFA_CATALOG = (
    CATALOG.replace("[defaults]\n", f'[defaults]\nmfa_serial = "{MFA_SERIAL}"\n')
    + """
  [[accounts.roles]]
  name = "Admin"
  mfa = true

  [[accounts.roles]]
  name = "Auditor"
  mfa = true
"""
)


def test_the_mfa_prompt_reads_the_code_without_echo_and_one_code_serves_two_roles(
    sts: StsProxy, user: tuple[str, str]
) -> None:
    write_catalog(MFA_CATALOG)
    child = spawn("env", "shared-data/Admin")
    child.expect_exact(f"MFA code for {MFA_SERIAL}: ")
    child.sendline("12ab")
    child.expect_exact("the MFA code must be exactly 6 digits")
    child.expect_exact(f"MFA code for {MFA_SERIAL}: ")
    child.sendline("246810")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "export ROLEUI_ROLE=shared-data/Admin" in (child.before or "")
    assert "246810" not in (child.before or "")
    second = spawn("env", "shared-data/Auditor")
    second.expect(pexpect.EOF)
    second.close()
    assert second.exitstatus == 0
    assert "MFA code" not in (second.before or "")
    (token,) = sts.actions("GetSessionToken")
    assert token.get("TokenCode") == "246810"
    assert len(sts.actions("AssumeRole")) == 2
