"""What the OS can do for a process that holds credentials, and for the children it serves them to.

- No core dumps: a core file of roleui holds the session's secret key (and it may land where other users read
  it, or in a system-wide crash collector). The soft RLIMIT_CORE is set to 0 in every roleui process (cheap:
  `resource` only); the long-lived ones (the UI, the endpoint of `exec`/`shell`) are also made non-dumpable on
  Linux (prctl PR_SET_DUMPABLE 0), which stops a core pipe that ignores the limit and another process of the same
  user attaching with ptrace. Neither is inherited by the child: execve resets dumpable, and the child's preexec
  puts the user's own core limit back.
- The child dies with roleui (Linux): the credential endpoint's port is freed when roleui ends, and another local
  user could bind it and answer the child's SDK (which sends its path and token there). The child is given a
  parent-death signal, SIGHUP, what a closed terminal sends: shells pass it on to their jobs and exit, other
  programs end. A program that ignores SIGHUP, or a daemon the child detached (`setsid`, `nohup`), is out of
  reach: README's Security section says what to do.

Standard library only; ctypes is loaded only by the long-lived processes and the child's preexec.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # not typing's: the fast doors import this module, and typing costs them ~4 ms
if TYPE_CHECKING:
    from collections.abc import Callable

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
PR_SET_DUMPABLE = 4
CHILD_SIGNAL = 1  # SIGHUP

_started_with: dict[str, int] = {}  # the soft core limit roleui started with ("core"), for the children


def no_core_dumps() -> None:
    """Soft RLIMIT_CORE 0 for this process (the hard limit is left, so the children can have theirs back)."""
    try:
        import resource
    except ImportError:  # Windows: no core files
        return
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_CORE)
        _started_with.setdefault("core", soft)
        resource.setrlimit(resource.RLIMIT_CORE, (0, hard))
    except (OSError, ValueError):
        pass  # a sandbox that forbids it: nothing else to do


def _prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        function: Callable[..., int] = libc.prctl
    except (OSError, AttributeError):
        return None
    return function


def not_dumpable() -> None:
    """No core dump and no ptrace by the user's other processes (Linux), on top of `no_core_dumps`."""
    no_core_dumps()
    prctl = _prctl()
    if prctl is not None:
        prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)


def child_preexec() -> Callable[[], None] | None:
    """The `preexec_fn` for a child roleui serves credentials to: it gets SIGHUP when roleui ends (Linux), and the
    user's own core limit back. Everything it calls is resolved here, before the fork: after a fork in a process
    with threads, the child must not import or load anything."""
    prctl = _prctl()
    limit = _started_with.get("core")
    if prctl is None and limit is None:
        return None
    parent = os.getpid()
    setrlimit: Callable[..., None] | None = None
    core: int = 0
    hard: int = 0
    if limit is not None:
        import resource

        setrlimit = resource.setrlimit
        core = resource.RLIMIT_CORE
        hard = resource.getrlimit(core)[1]

    def preexec() -> None:
        if setrlimit is not None:
            try:  # noqa: SIM105  (contextlib costs a credential-process hit ~3 ms: this module is on its path)
                setrlimit(core, (limit, hard))
            except (OSError, ValueError):
                pass
        if prctl is not None:
            prctl(PR_SET_PDEATHSIG, CHILD_SIGNAL, 0, 0, 0)
            if os.getppid() != parent:  # roleui ended between fork and prctl: the signal would never come
                os.kill(os.getpid(), CHILD_SIGNAL)

    return preexec
