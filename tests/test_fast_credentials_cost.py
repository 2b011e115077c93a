"""A `credential-process` cache hit in the user's own configuration pays for nothing but reading and answering:
no pathlib, platformdirs, hashlib, json, re, datetime or contextlib (each costs a hit milliseconds), and what replaces them
gives the same answers."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from _engine_helpers import PYTHON, ROOT, StsProxy, roleui, write_catalog
from hypothesis import given
from hypothesis import strategies as st

from roleui.core.json_lite import dumps_flat, loads
from roleui.core.sessions.process_output import credential_process_json
from roleui.core.timefmt import format_time
from roleui.fast.credentials import expiry
from roleui.fast.index import sha256_hex

pytest_plugins = ("_engine_fixtures",)  # the sts and user fixtures

EXPENSIVE = (
    "pathlib",
    "platformdirs",
    "hashlib",
    "_hashlib",
    "json",
    "re",
    "datetime",
    "typing",
    "argparse",
    "contextlib",
)


def imported_by(argv: list[str], env: dict[str, str]) -> tuple[str, set[str]]:
    """stdout of `argv` run under -X importtime, and every module it imported."""
    done = subprocess.run(
        [PYTHON, "-X", "importtime", *argv], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    modules = {line.rpartition("|")[2].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    return done.stdout, modules


def test_a_hit_without_roleui_variables_imports_none_of_the_expensive_modules(
    sts: StsProxy, user: tuple[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("ROLEUI_CACHE_DIR", "ROLEUI_DATA_DIR", "XDG_CACHE_HOME", "XDG_DATA_HOME"):
        monkeypatch.delenv(name)  # the user's configuration: the XDG default under HOME
    write_catalog()
    first = roleui("credential-process", "tooling/JumpRole")
    assert first.returncode == 0, first.stderr
    sessions = Path(os.environ["HOME"]) / ".cache" / "roleui" / "sessions"
    assert list(sessions.glob("quick-*")), "the normal path leaves an index entry in ~/.cache/roleui"
    calls = len(sts.calls)
    entry = "from roleui.launcher import entrypoint; entrypoint()"
    out, modules = imported_by(["-c", entry, "credential-process", "tooling/JumpRole"], dict(os.environ))
    _, baseline = imported_by(["-c", "pass"], dict(os.environ))
    assert json.loads(out) == json.loads(first.stdout)
    assert len(sts.calls) == calls
    assert "roleui.fast.credentials" in modules
    assert sorted((modules - baseline) & set(EXPENSIVE)) == []


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)


@given(JSON)
def test_json_lite_reads_what_json_writes(value: object) -> None:
    text = json.dumps(value)
    assert loads(text) == json.loads(text)
    assert loads(f"\n {text}\n") == json.loads(text)


@pytest.mark.parametrize("text", ["", "   ", "{", '{"a": 1} extra', "nul", "[1,]"])
def test_json_lite_refuses_what_json_refuses_as_a_value_error(text: str) -> None:
    with pytest.raises(ValueError, match=r"(?i)expecting|extra|not a json|illegal"):
        json.loads(text)
    with pytest.raises(ValueError, match=r"(?i)expecting|extra|not a json|illegal"):
        loads(text)


@given(st.dictionaries(st.text(), st.text() | st.integers()))
def test_json_lite_writes_a_flat_object_byte_for_byte_as_json_does(data: dict[str, str | int]) -> None:
    assert dumps_flat(data) == json.dumps(data)


def test_credential_process_output_is_what_json_dumps_gives() -> None:
    out = credential_process_json("ASIA1", "se/cr+et=", 'to"ken\\\u00e9', "2030-01-01T00:00:00Z")
    assert (
        out
        == json.dumps(
            {
                "Version": 1,
                "AccessKeyId": "ASIA1",
                "SecretAccessKey": "se/cr+et=",
                "SessionToken": 'to"ken\\\u00e9',
                "Expiration": "2030-01-01T00:00:00Z",
            }
        )
        + "\n"
    )


@given(st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(9999, 12, 30), timezones=st.just(UTC)))
def test_the_expiry_a_cache_file_holds_reads_as_datetime_reads_it(value: datetime) -> None:
    seconds, stamp = expiry(value.isoformat())
    assert seconds == pytest.approx(value.timestamp(), abs=1e-6)
    assert stamp == format_time(value)


@pytest.mark.parametrize(
    "text",
    ["2030-01-01T12:00:00Z", "2030-01-01T14:00:00+02:00", "2030-01-01T12:00:00", "2030-01-01 12:00:00.5+00:00"],
)
def test_other_expiry_forms_are_read_through_datetime(text: str) -> None:
    value = datetime(2030, 1, 1, 12, tzinfo=UTC)
    seconds, stamp = expiry(text)
    assert seconds == pytest.approx(value.timestamp(), abs=1)
    assert stamp == "2030-01-01T12:00:00Z"


def test_an_expiry_that_is_no_time_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="month"):
        expiry("2030-13-01T12:00:00+00:00")
    with pytest.raises(ValueError, match="soon"):
        expiry("soon")


@given(st.binary())
def test_the_index_names_hash_as_hashlib_does(data: bytes) -> None:
    assert sha256_hex(data) == hashlib.sha256(data).hexdigest()
