"""The processes that hold credentials: the child of `roleui exec` ends when roleui is killed (its endpoint's port
is anyone's afterwards), and roleui itself leaves no core file of the session behind."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from _engine_helpers import ROLEUI, ROOT, write_catalog

pytest_plugins = ("_engine_fixtures",)

# The child: says its pid and its parent's, what its parent's core limit is and its own, then waits.
CHILD = """
import os, resource, time
def core(pid):
    for line in open(f"/proc/{pid}/limits"):
        if line.startswith("Max core file size"):
            return line.split()[4]
print(os.getpid(), os.getppid(), core(os.getppid()), resource.getrlimit(resource.RLIMIT_CORE)[0], flush=True)
time.sleep(120)
"""

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl and /proc are Linux's")


def gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state in ("Z", "X")  # a zombie has ended: only its parent's wait is missing


def started_child(*extra: str) -> tuple[subprocess.Popen[str], list[str]]:
    write_catalog()
    roleui = subprocess.Popen(
        [*ROLEUI, "exec", *extra, "tooling/JumpRole", "--", sys.executable, "-c", CHILD],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert roleui.stdout is not None
    line = roleui.stdout.readline().split()
    assert len(line) == 4, roleui.stderr.read() if roleui.stderr else ""
    return roleui, line


@linux_only
def test_the_child_of_exec_ends_when_roleui_is_killed(sts: object, user: object) -> None:
    roleui, (child, parent, _, _) = started_child()
    try:
        assert int(parent) == roleui.pid
        os.kill(roleui.pid, signal.SIGKILL)
        roleui.wait()
        deadline = time.monotonic() + 10
        while not gone(int(child)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert gone(int(child)), "the child outlived roleui and would ask a port anyone can bind"
    finally:
        if not gone(int(child)):
            os.kill(int(child), signal.SIGKILL)


@linux_only
def test_roleui_holding_a_session_dumps_no_core_and_the_child_keeps_the_users_core_limit(
    sts: object, user: object
) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_CORE)
    resource.setrlimit(resource.RLIMIT_CORE, (hard, hard))  # a user who wants core files of their own programs
    try:
        roleui, (child, _, roleui_core, child_core) = started_child()
    finally:
        resource.setrlimit(resource.RLIMIT_CORE, (soft, hard))
    try:
        assert roleui_core == "0"
        assert int(child_core) == hard if hard != resource.RLIM_INFINITY else int(child_core) == -1
    finally:
        os.kill(int(child), signal.SIGKILL)
        roleui.wait(30)


@linux_only
def test_a_process_made_non_dumpable_says_so_to_the_kernel() -> None:
    code = (
        "import ctypes; from roleui.core.process_guard import not_dumpable; libc = ctypes.CDLL(None); "
        "before = libc.prctl(3, 0, 0, 0, 0); not_dumpable(); print(before, libc.prctl(3, 0, 0, 0, 0))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.split() == ["1", "0"]  # PR_GET_DUMPABLE
