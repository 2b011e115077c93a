"""A cold `roleui env` builds only the records it uses.

Python 3.11 writes and compiles the methods of every dataclass when its module is imported (~1.5 ms each on the
benchmark's machine, six methods for a frozen one): the records only a failure, `roleui history`, `roleui check`,
an MFA device or a discovery rule need live in modules (or behind imports) a cold assume that needs none of them
never loads. Run in the console script's own process, as a user runs it.
"""

from __future__ import annotations

import json
import os
import subprocess

from _engine_helpers import PYTHON, ROOT, StsProxy, write_catalog

pytest_plugins = ("_engine_fixtures",)  # the sts and user fixtures

# What the probe prints at exit: the roleui modules loaded and every dataclass they define.
PROBE = """
import atexit, dataclasses, json, sys

def report():
    loaded = sorted(name for name in sys.modules if name.startswith("roleui"))
    built = sorted(
        f"{name}.{attr}"
        for name in loaded
        for attr, value in vars(sys.modules[name]).items()
        if isinstance(value, type) and dataclasses.is_dataclass(value) and value.__module__ == name
    )
    print("PROBE" + json.dumps({"modules": loaded, "dataclasses": built}), file=sys.stderr)

atexit.register(report)
sys.argv = ["roleui", *sys.argv[1:]]
from roleui.launcher import entrypoint
entrypoint()
"""

# Records a successful cold assume never makes, and the modules that hold them.
NOT_BUILT = {
    "roleui.aws.errors.Call",  # the words of a failed call's message
    "roleui.core.problems.Problem",  # a catalog's problems
    "roleui.core.sessions.trail_search.Query",  # `roleui history`
    "roleui.core.sessions.aws_view.Stripped",  # the AWS files walked for a child's view
    "roleui.core.sessions.aws_view.Source",
    "roleui.core.sessions.mfa_session.MfaSession",  # a role with an MFA device
    "roleui.core.discovery_settings.OrgRule",  # a catalog's discovery rules and Identity Center sign-ins
    "roleui.core.discovery_settings.IcRule",
    "roleui.core.discovery_settings.IcConfig",
}
NOT_LOADED = {name.rpartition(".")[0] for name in NOT_BUILT}


def _cold_env() -> tuple[subprocess.CompletedProcess[str], dict[str, list[str]]]:
    done = subprocess.run(
        [PYTHON, "-c", PROBE, "env", "tooling/JumpRole", "--no-cache"],
        env=dict(os.environ),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done, json.loads(done.stderr.rpartition("PROBE")[2])


def test_a_cold_assume_builds_no_record_that_only_failures_history_mfa_or_discovery_use(
    sts: StsProxy, user: tuple[str, str]
) -> None:
    write_catalog()
    _cold_env()  # merges the catalog and leaves the world cache, as a user's first command does
    done, seen = _cold_env()
    assert "export AWS_SESSION_TOKEN=" in done.stdout
    assert "roleui.aws.engine" in seen["modules"]  # the probe saw the assume itself
    assert "roleui.core.sessions.session.Session" in seen["dataclasses"]
    assert sorted(NOT_LOADED & set(seen["modules"])) == []
    assert sorted(NOT_BUILT & set(seen["dataclasses"])) == []
