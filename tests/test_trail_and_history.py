"""Reasons and the trail: every session obtained or handed out is one private JSON line; `roleui history` reads it."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from _engine_helpers import CATALOG, StsProxy, roleui, sts_error, write_catalog
from _recorder_helpers import Recording, recording

from roleui.core.errors import EXIT_USAGE
from roleui.core.sessions import trail
from roleui.core.sessions.credcache import CredentialCache
from roleui.core.sessions.trail_search import Query, matching

pytest_plugins = ("_engine_fixtures",)  # the sts and user fixtures

REASONED = CATALOG.replace(
    "[defaults]\n", '[defaults]\nreason_tag = "Reason"\nreason_tags = { team = "data" }\n'
).replace('name = "shared-data"', 'name = "shared-data"\ntags = { team = "data" }')


@pytest.fixture
def recorded(sts: StsProxy, aws: str, tmp_path: Path) -> Iterator[Recording]:
    with recording(aws, tmp_path / "moto-recording.jsonl") as rec:
        yield rec


def lines() -> list[dict[str, object]]:
    return [json.loads(line) for line in trail.trail_path().read_text().splitlines()]


def test_each_assume_is_one_private_line_with_reason_scope_and_key_id_and_no_secret(
    sts: StsProxy, user: tuple[str, str]
) -> None:
    write_catalog()
    done = roleui("env", "tooling/JumpRole", "--scope", "read-only", "--reason", "look at the prod logs")
    assert done.returncode == 0, done.stderr
    path = trail.trail_path()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    (session,) = [s for s, _ in CredentialCache().role_sessions()]
    entries = lines()
    assumed = next(e for e in entries if e["event"] == "assume")
    assert assumed["role_arn"] == "arn:aws:iam::111111111111:role/JumpRole"
    assert assumed["access_key_id"] == session.credentials.access_key_id
    assert assumed["scope"] == "read-only"
    assert assumed["reason"] == "look at the prod logs"
    assert assumed["command"] == "env"
    assert assumed["result"] == "ok"
    text = path.read_text()
    assert session.credentials.secret_access_key not in text
    assert (session.credentials.session_token or "-") not in text
    assert user[1] not in text


def test_a_refused_assume_is_recorded_with_the_reason_it_failed(sts: StsProxy, user: tuple[str, str]) -> None:
    write_catalog()
    sts.script["AssumeRole"] = [sts_error("AccessDenied", "User is not authorized to perform: sts:AssumeRole", 403)]
    done = roleui("env", "tooling/JumpRole", "--reason", "try")
    assert done.returncode != 0
    (entry,) = [e for e in lines() if e["event"] == "assume"]
    assert str(entry["result"]).startswith("access denied assuming tooling/JumpRole")
    assert "access_key_id" not in entry


def test_a_role_that_asks_for_a_reason_refuses_without_one_and_sends_it_as_a_tag(
    recorded: Recording, user: tuple[str, str]
) -> None:
    write_catalog(REASONED)
    refused = roleui("env", "shared-data/CrossAccountS3ReadOnly")
    assert refused.returncode == EXIT_USAGE
    assert refused.stderr.strip() == (
        "roleui: shared-data/CrossAccountS3ReadOnly asks for a reason for each new session — pass --reason TEXT"
    )
    assert not recorded.calls("AssumeRole")
    done = roleui("env", "shared-data/CrossAccountS3ReadOnly", "--reason", "ticket OPS-42; restore a file")
    assert done.returncode == 0, done.stderr
    (call,) = recorded.calls("AssumeRole")
    tags = {
        call[k]: call[k.replace(".Key", ".Value")] for k in call if k.startswith("Tags.member.") and k.endswith(".Key")
    }
    assert tags["Reason"] == "ticket OPS-42  restore a file"  # `;` is no tag character: a space instead
    # A role without the tag in its account needs no reason.
    assert roleui("env", "tooling/JumpRole").returncode == 0


def test_history_filters_by_words_and_since_and_prints_json_lines_and_trail_links(
    sts: StsProxy, user: tuple[str, str]
) -> None:
    write_catalog()
    assert roleui("env", "tooling/JumpRole", "--reason", "first").returncode == 0
    assert roleui("env", "tooling/JumpRole", "--scope", "read-only", "--reason", "second").returncode == 0
    table = roleui("history", "JumpRole")
    assert table.returncode == 0
    header, *rows = table.stdout.splitlines()
    assert header.split()[:4] == ["TIME", "(UTC)", "EVENT", "ROLE"]
    assert [r.split()[2] for r in rows] == ["assume", "assume"]
    assert "first" in rows[0]
    assert "second" in rows[1]
    assert "read-only" in rows[1]
    as_json = [json.loads(line) for line in roleui("history", "read-only", "--json").stdout.splitlines()]
    assert [e["reason"] for e in as_json] == ["second"]
    assert roleui("history", "--since", "1d", "--json").stdout.count("\n") == 2
    links = roleui("history", "--trail").stdout.splitlines()
    keys = {str(e["access_key_id"]) for e in lines()}
    assert len(links) == 2
    for line in links:
        role, key, url = line.split("  ")
        assert role == "tooling/JumpRole"
        assert key in keys
        assert (
            url
            == f"https://eu-west-1.console.aws.amazon.com/cloudtrail/home?region=eu-west-1#/events?AccessKeyId={key}"
        )
    bad = roleui("history", "--since", "yesterday")
    assert bad.returncode == EXIT_USAGE
    assert bad.stderr.startswith("roleui: --since:")


def test_since_leaves_out_older_entries(tmp_path: Path) -> None:
    path = tmp_path / "trail" / "history.jsonl"
    now = datetime(2026, 5, 1, 12, tzinfo=UTC)
    trail.record("assume", now - timedelta(days=3), path, role_key="old/Role")
    trail.record("assume", now - timedelta(hours=2), path, role_key="new/Role")
    found = matching(trail.read_entries(path), Query(since=timedelta(days=1)), now)
    assert [e["role_key"] for e in found] == ["new/Role"]


def test_the_trail_rotates_past_its_size_and_keeps_three_old_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(trail, "MAX_BYTES", 400)
    path = tmp_path / "trail" / "history.jsonl"
    now = datetime(2026, 5, 1, tzinfo=UTC)
    for index in range(40):
        trail.record("assume", now + timedelta(seconds=index), path, role_key=f"acct/Role{index}")
    names = sorted(p.name for p in path.parent.iterdir())
    assert names == ["history.1.jsonl", "history.2.jsonl", "history.3.jsonl", "history.jsonl"]
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in path.parent.iterdir())
    kept = [e["role_key"] for e in trail.read_entries(path)]
    assert kept[-1] == "acct/Role39"
    assert kept == sorted(kept, key=lambda k: int(str(k).removeprefix("acct/Role")))  # oldest first
    assert "acct/Role0" not in kept  # the oldest file was dropped


def test_damaged_lines_and_a_foreign_trail_are_read_as_absent(tmp_path: Path) -> None:
    path = tmp_path / "trail" / "history.jsonl"
    trail.record("assume", datetime(2026, 5, 1, tzinfo=UTC), path, role_key="a/B")
    with path.open("a") as f:
        f.write("{not json\n[1]\n")
    assert [e["role_key"] for e in trail.read_entries(path)] == ["a/B"]
    os.chmod(path, 0o666)
    assert trail.read_entries(path) == []
    trail.record("assume", datetime(2026, 5, 1, tzinfo=UTC), path, role_key="c/D")  # not written to an unsafe file
    os.chmod(path, 0o600)
    assert [e["role_key"] for e in trail.read_entries(path)] == ["a/B"]


def test_no_secret_can_enter_the_trail_under_another_name(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not a trail field"):
        trail.record("assume", datetime(2026, 5, 1, tzinfo=UTC), tmp_path / "t.jsonl", secret_access_key="x")


@pytest.mark.parametrize(
    ("key", "region", "partition", "host"),
    [
        ("ASIAEXAMPLE123", "eu-west-1", "aws", "eu-west-1.console.aws.amazon.com"),
        ("ASIA+/=&#?", None, "aws", "us-east-1.console.aws.amazon.com"),
        ("ASIAGOV", "us-gov-east-1", "aws-us-gov", "us-gov-east-1.console.amazonaws-us-gov.com"),
        ("ASIACN", None, "aws-cn", "cn-north-1.console.amazonaws.cn"),
    ],
)
def test_the_cloudtrail_link_filters_the_event_history_by_the_access_key_id(
    key: str, region: str | None, partition: str, host: str
) -> None:
    url = trail.event_history_url(key, region=region, partition=partition)
    parts = urlsplit(url)
    assert parts.scheme == "https"
    assert parts.netloc == host
    assert parts.path == "/cloudtrail/home"
    assert parse_qs(parts.query) == {"region": [host.split(".", maxsplit=1)[0]]}
    route, _, query = parts.fragment.partition("?")
    assert route == "/events"
    name, _, value = query.partition("=")
    assert name == "AccessKeyId"
    assert unquote(value) == key
    assert not set(value) & set("+/=&#?")  # each of them percent-encoded inside the fragment
