"""The issue's bar, end to end in `roleui demo`: a read-only look at main/AdminAccessRole, cached apart from the
full session, both in `history` with their reasons and key ids, and a named child cut off by `roleui revoke`.

The demo's own moto records every request (moto's recorder, switched on by MOTO_ENABLE_RECORDING in the demo
process), so the test reads what reached STS, not what roleui says it sent.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from _recorder_helpers import recorded_calls

from tests._e2e_helpers import ROLEUI, demo_env

pytestmark = pytest.mark.e2e

SCRIPT = """
set -e
export ROLEUI_MFA_CODE=123456  # the demo's AdminAccessRole wants MFA; the local AWS takes any code
roleui env main/AdminAccessRole --yes --scope read-only --reason "look at the prod alarms" > "$OUT/scoped.env"
roleui env main/AdminAccessRole --yes --reason "restart the stuck deploy" > "$OUT/full.env"
roleui env main/AdminAccessRole --yes --scope read-only --reason "look again" > "$OUT/scoped-again.env"
roleui sessions --json > "$OUT/sessions.json"
roleui exec main/AdminAccessRole --yes --scope read-only --name agent-1 --for 30m -- sh "$OUT/child.sh" \
  > "$OUT/child.out" 2> "$OUT/child.err" &
child=$!
while [ ! -e "$OUT/ready" ]; do sleep 0.05; done
roleui revoke agent-1 > "$OUT/revoke.out"
touch "$OUT/go"
wait $child || echo "child exit $?" > "$OUT/child.status"
roleui history --json > "$OUT/history.jsonl"
roleui history main --trail > "$OUT/trail.txt"
roleui revoke main/AdminAccessRole --aws < /dev/null 2> "$OUT/unconfirmed.err" || true
roleui revoke main/AdminAccessRole --aws --yes > "$OUT/revoke-aws.out"
roleui exec main/AdminAccessRole --yes -- aws iam get-role-policy --role-name AdminAccessRole \
  --policy-name AWSRevokeOlderSessions --output json > "$OUT/policy.json"
"""

CHILD = """
aws sts get-caller-identity --query Arn --output text || exit 9
touch "$OUT/ready"
while [ ! -e "$OUT/go" ]; do sleep 0.05; done
exec aws sts get-caller-identity --query Arn --output text
"""


def exported(path: Path, name: str) -> str:
    for line in path.read_text().splitlines():
        if line.startswith(f"export {name}="):
            return line.split("=", 1)[1].strip("'\"")
    raise AssertionError(f"{name} not exported in {path.name}")


def test_a_scoped_look_a_full_session_the_history_and_a_revoked_agent_in_the_demo(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "child.sh").write_text(CHILD)
    (out / "script.sh").write_text(SCRIPT)
    recording = tmp_path / "moto-recording.jsonl"
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = demo_env(tmp, Path(os.environ["HOME"]))
    env.update({"OUT": str(out), "MOTO_ENABLE_RECORDING": "true", "MOTO_RECORDER_FILEPATH": str(recording)})
    done = subprocess.run(
        [ROLEUI, "demo", "--", "sh", str(out / "script.sh")],
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr

    # STS received PolicyArns with the partition's ReadOnlyAccess for the scoped assume, nothing for the full one.
    admin = [c for c in recorded_calls(recording, "AssumeRole") if c["RoleArn"].endswith(":role/AdminAccessRole")]
    policies = [c.get("PolicyArns.member.1.arn") for c in admin]
    assert policies == ["arn:aws:iam::aws:policy/ReadOnlyAccess", None, "arn:aws:iam::aws:policy/ReadOnlyAccess"]
    assert all("PolicyArns.member.2.arn" not in c for c in admin)
    assert admin[2]["RoleSessionName"] == "agent-1"  # the child's own session: its name

    # Cached apart: the second scoped request got the first scoped session, never the full one.
    scoped, full = exported(out / "scoped.env", "AWS_ACCESS_KEY_ID"), exported(out / "full.env", "AWS_ACCESS_KEY_ID")
    assert scoped != full
    assert exported(out / "scoped-again.env", "AWS_ACCESS_KEY_ID") == scoped
    sessions = [s for s in json.loads((out / "sessions.json").read_text()) if s.get("role") == "main/AdminAccessRole"]
    assert sorted(str(s["scope"]) for s in sessions) == ["None", "read-only"]

    # history: both sessions, with their reasons and key ids (and the cache hit, with its own reason).
    history = [json.loads(line) for line in (out / "history.jsonl").read_text().splitlines()]
    assumes = [
        (e.get("scope"), e.get("reason"), e.get("access_key_id"), e["result"])
        for e in history
        if e["event"] == "assume" and e["role_key"] == "main/AdminAccessRole"
    ]
    assert assumes[:3] == [
        ("read-only", "look at the prod alarms", scoped, "ok"),
        (None, "restart the stuck deploy", full, "ok"),
        ("read-only", "look again", scoped, "cached"),
    ]
    assert any(e["event"] == "revoke" and e.get("child") == "agent-1" for e in history)
    trail = (out / "trail.txt").read_text()
    assert f"#/events?AccessKeyId={scoped}" in trail
    assert f"#/events?AccessKeyId={full}" in trail

    # The revoked child: its first request got keys, its next one failed with roleui's message on its stderr.
    assert (out / "child.out").read_text().splitlines()[0].endswith(":assumed-role/AdminAccessRole/agent-1")
    assert (out / "child.status").read_text().strip() != "child exit 0"
    assert "roleui revoked the session agent-1 (main/AdminAccessRole)" in (out / "child.err").read_text()
    assert (out / "revoke.out").read_text().strip() == (
        "revoked agent-1 (main/AdminAccessRole): its next credential request is refused"
    )

    # IAM's own revocation, after a confirmation naming the account and role: the demo's moto stores the inline
    # deny (it does not enforce it; real AWS denies every older session).
    assert "role AdminAccessRole in account main (123456789012)" in (out / "unconfirmed.err").read_text()
    assert (out / "revoke-aws.out").read_text().startswith("revoked every session of main/AdminAccessRole issued")
    (statement,) = json.loads((out / "policy.json").read_text())["PolicyDocument"]["Statement"]
    assert statement["Effect"] == "Deny"
    assert list(statement["Condition"]["DateLessThan"]) == ["aws:TokenIssueTime"]
    puts = [p for p in recorded_calls(recording, "PutRolePolicy") if p["PolicyName"] == "AWSRevokeOlderSessions"]
    assert [p["RoleName"] for p in puts] == ["AdminAccessRole"]  # once: the unconfirmed one put nothing
