"""`roleui sessions` lists cached sessions without secrets; `roleui forget` deletes them."""

from __future__ import annotations

import json

from _engine_helpers import CATALOG, MFA_SERIAL, StsProxy, roleui, write_catalog

from roleui.core.errors import EXIT_USAGE
from roleui.core.sessions.credcache import CredentialCache

pytest_plugins = ("_engine_fixtures",)  # the sts and user fixtures


def test_sessions_lists_role_and_mfa_sessions_with_time_left_and_no_secret(
    sts: StsProxy, user: tuple[str, str]
) -> None:
    write_catalog(CATALOG + '\n  [[accounts.roles]]\n  name = "Admin"\n  mfa_serial = "' + MFA_SERIAL + '"\n')
    assert roleui("env", "tooling/JumpRole").returncode == 0
    assert roleui("env", "shared-data/Admin", "--mfa-code", "123456").returncode == 0
    done = roleui("sessions")
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["ROLE", "ACCOUNT", "SESSION", "NAME", "SCOPE", "TIME", "LEFT", "EXPIRES", "(UTC)"]
    assert any(line.startswith("tooling/JumpRole") and "111111111111" in line and "59m" in line for line in lines)
    assert any(line.startswith(f"MFA {MFA_SERIAL}") for line in lines)
    secrets = [s.credentials for s, _ in CredentialCache().role_sessions()]
    for creds in secrets:
        assert creds.secret_access_key not in done.stdout
        assert (creds.session_token or "x") not in done.stdout
    records = json.loads(roleui("sessions", "--json").stdout)
    assert {r["kind"] for r in records} == {"role", "mfa"}
    assert {r.get("role") for r in records if r["kind"] == "role"} == {"tooling/JumpRole", "shared-data/Admin"}
    assert all("SecretAccessKey" not in json.dumps(r) for r in records)


def test_forget_one_role_then_all(sts: StsProxy, user: tuple[str, str]) -> None:
    write_catalog()
    assert roleui("credential-process", "tooling/JumpRole").returncode == 0
    assert roleui("env", "shared-data/CrossAccountS3ReadOnly").returncode == 0
    one = roleui("forget", "tooling/JumpRole")
    assert one.stdout.strip() == "forgot 1 cached session of tooling/JumpRole"
    assert [s.role_key for s, _ in CredentialCache().role_sessions()] == ["shared-data/CrossAccountS3ReadOnly"]
    everything = roleui("forget", "--all")
    assert everything.stdout.strip() == "forgot 1 cached session"
    assert CredentialCache().role_sessions() == []
    assert list(CredentialCache().directory.glob("quick-*")) == []
    assert roleui("sessions").stderr.strip() == "roleui: no cached sessions"
    assert roleui("forget").returncode == EXIT_USAGE
    assert roleui("forget", "tooling/JumpRole", "--all").returncode == EXIT_USAGE
