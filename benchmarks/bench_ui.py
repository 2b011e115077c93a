"""The terminal UI with 30,000 roles (10,000 accounts x 3 roles), measured in a real pseudo-terminal.

    .venv/bin/python benchmarks/bench_ui.py [--runs 7] [--idle 20]

It runs in the configuration users have: no ROLEUI_* or XDG_* variable, the catalog at
`~/.config/roleui/config.toml` and the caches under `~/.cache/roleui` of a temporary HOME.

The world is what a big organization looks like to roleui: a catalog with `[organizations]` on and a fresh
organization cache of 10,000 accounts (no API call, no AWS: there are no credentials and AWS_ENDPOINT_URL points
at a closed local port). Figures, all in the same run on the same machine:

1. time to first screen: from process start to the arrival on the terminal of the first frame with rows (of all
   30,000), against the same for a bare Textual app showing one label; fresh processes, runs interleaved, medians
   (target: at most 1.15x). Also reported: the first start after a change, when the world is merged afresh;
2. filter keystrokes, over realistic queries typed and then erased, the next key 50 ms after each frame (16 keys a
   second), each key typed into roleui and, interleaved key by key, into a bare Textual app holding one focused
   `Input` (the anchor); times are taken when the bytes are read, before any parsing: keystroke to the first byte
   of the next frame (target: p95 at most 2x the bare echo's p95) and keystroke to the list settled — the frame
   with the new count, the new first row and the typed text (read through the pyte terminal emulator), then
   SETTLED_QUIET without output (target: p95 at most 3x the bare echo's p95);
3. resident memory (VmRSS) at the first screen and after the typing (the header's identity is asked by a child
   process, so botocore is not loaded) (target: <= 56 MB); and, beyond the target, after a first assume against a
   local moto server, which loads botocore into the process;
4. CPU while idle with 20 live countdowns on screen (utime+stime over --idle seconds; target: <= 2%);
5. whether botocore (or boto3) was imported before the first screen (target: no), reported by the app itself.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import NamedTuple

import pexpect
import pyte

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PYTHON = str(BIN / "python")
ROLEUI = str(BIN / "roleui")
COLUMNS, LINES = 120, 40
ACCOUNTS = 10_000
ROLES = ("ReadOnly", "Developer", "Admin")
COUNTDOWNS = 20
TYPING_GAP = 0.05  # seconds from a frame to the next key: ~16 keys a second, a very fast typist

BARE_APP = """
import os, sys, time
from textual.app import App
from textual.widgets import Label

class Bare(App):
    def compose(self):
        yield Label("bare textual app")

if len(sys.argv) > 1:  # time the UI only: everything imported, clock from here
    with open(sys.argv[1], "w") as out:
        out.write(repr(time.perf_counter()))
Bare().run()
"""


# The anchor of the keystroke figures: Textual's own Input, focused, echoing what is typed (no other widget).
BARE_INPUT = """
from textual.app import App
from textual.widgets import Input

class Echo(App):
    def compose(self):
        field = Input(placeholder="bare textual input")
        field.cursor_blink = False  # roleui's filter does not blink either: a blink frame is not an echo
        yield field

Echo().run()
"""
COUNTDOWN = re.compile(r"\b\d+m \d\ds\b")
SETTLED_QUIET = 0.03  # seconds without output after which a screen counts as settled (redrawn for the new query)


# `roleui` itself, plus a report the app writes when its first screen is up (what was imported by then).
REPORTING_ROLEUI = """
import json, os, sys
import roleui.commands.ui as ui_command

frame_rate = ui_command._frame_rate

def frame_rate_then_hook():
    frame_rate()  # as `roleui` does, before textual is imported
    from roleui.ui import app as app_module

    first_screen = app_module.RoleuiApp._after_first_screen

    def report(self):
        with open("/proc/self/status") as status:
            rss = next(int(line.split()[1]) / 1024 for line in status if line.startswith("VmRSS"))
        first_screen(self)
        with open(os.environ["BENCH_REPORT"], "w") as out:
            early = self.boto3_before_first_screen or "botocore" in sys.modules
            json.dump({"aws_sdk_before_first_screen": early, "rss_first_screen": rss}, out)

    app_module.RoleuiApp._after_first_screen = report

ui_command._frame_rate = frame_rate_then_hook
from roleui.launcher import main
sys.argv = ["roleui"]
sys.exit(main())
"""

# Typed one key at a time, then erased one key at a time: first keys over all 30,000 rows, narrowing, backspace.
QUERIES = ("payprod", "web stag 00042", "env:prod dev", "search-dev", "ml admin", "04217", "identity sandbox read")

TEAMS = ("web", "data", "payments", "search", "ml", "infra", "mobile", "identity")
ENVS = ("prod", "staging", "dev", "sandbox")


def build_world(directory: Path) -> dict[str, str]:
    """Write the catalog, the organization cache and the 20 cached sessions; returns the environment to run in."""
    home = directory / "home"
    home.mkdir()
    env = {
        "HOME": str(home),
        "PATH": f"{BIN}{os.pathsep}/usr/bin:/bin",
        "TERM": "xterm-256color",
        "COLORTERM": "truecolor",
        "LANG": "C.UTF-8",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:9",  # nothing can reach AWS (and there are no credentials)
        "BENCH_REPORT": str(directory / "report.json"),
    }
    catalog = home / ".config" / "roleui" / "config.toml"  # where a user's catalog is: no ROLEUI_* variable
    catalog.parent.mkdir(parents=True)
    catalog.write_text(
        '[defaults]\nregion = "eu-west-1"\n\n[organizations]\nenabled = true\n'
        f'roles = {json.dumps(list(ROLES))}\ncache_lifetime = "24h"\n',
        encoding="utf-8",
    )
    for name in [n for n in os.environ if n.startswith(("ROLEUI_", "XDG_", "AWS_"))]:
        del os.environ[name]  # the writers below and load_world must read the same places as the programs
    os.environ.update(env)
    from roleui.aws.sources import load_world
    from roleui.core.sessions.credcache import CredentialCache
    from roleui.core.sessions.session import Credentials, Session
    from roleui.core.sources.organizations.cache import save_org_snapshot
    from roleui.core.sources.organizations.model import DiscoveredAccount, OrgSnapshot

    now = datetime.now(UTC)
    accounts = tuple(
        DiscoveredAccount(
            id=f"{100000000000 + n:012d}",
            name=f"{TEAMS[n % 8]}-{ENVS[(n // 8) % 4]}-{n:05d}",
            email=f"aws+{n}@example.com",
            state="ACTIVE",
            ou_path=f"Workloads/{ENVS[(n // 8) % 4].title()}/{TEAMS[n % 8]}",
            tags={"environment": ENVS[(n // 8) % 4], "team": TEAMS[n % 8]},
            discovered_at=now,
        )
        for n in range(ACCOUNTS)
    )
    save_org_snapshot(OrgSnapshot(discovered_at=now, accounts=accounts, organization_id="o-bench", ou_count=20))
    world = load_world(None)
    assert len(world.roles) == ACCOUNTS * len(ROLES), len(world.roles)
    cache = CredentialCache()
    for n, role in enumerate(world.roles[:COUNTDOWNS]):
        expires = now + timedelta(minutes=50, seconds=7 * n)
        session = Session(
            role_key=role.key,
            role_arn=role.arn,
            account_id=role.account.id,
            assumed_role_arn=f"arn:aws:sts::{role.account.id}:assumed-role/{role.name}/bench",
            session_name="bench",
            credentials=Credentials("ASIABENCHBENCHBENCH0", "secret", "token", expires),
            region="eu-west-1",
            issued_at=now,
        )
        cache.save_role(f"bench-{n}", session, "bench")
    return env


class Screen:
    """A program on a pty, its output read as it arrives (timestamped) and rendered by pyte."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.started = time.perf_counter()
        self.child = pexpect.spawn(argv[0], argv[1:], env=env, dimensions=(LINES, COLUMNS), timeout=None)
        self.fd = self.child.child_fd
        self.screen = pyte.Screen(COLUMNS, LINES)
        self.stream = pyte.ByteStream(self.screen)

    def _drain(self, timeout: float) -> tuple[float, bytes]:
        """Everything available now (waiting up to `timeout` for the first byte), and when it was read."""
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return time.perf_counter(), b""
        data = b""
        while True:
            try:
                data += os.read(self.fd, 1 << 16)
            except OSError:
                break
            if not select.select([self.fd], [], [], 0)[0]:
                break
        return time.perf_counter(), data

    def wait(self, check: Callable[[list[str]], bool], timeout: float = 60.0) -> float:
        """Read until `check(screen lines)` holds; returns when the bytes that made it true were read."""
        deadline = time.perf_counter() + timeout
        while True:
            at, data = self._drain(0.5)
            if data:
                self.stream.feed(data)
                if check(self.screen.display):
                    return at
            if time.perf_counter() > deadline:
                raise TimeoutError("\n".join(self.screen.display))

    def pump(self, seconds: float) -> None:
        """Keep reading (the app must never block on a full pty) for `seconds`."""
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline:
            _, data = self._drain(0.2)
            if data:
                self.stream.feed(data)

    def key_timings(self, key: str, timeout: float = 10.0) -> tuple[float, float]:
        """Send `key`; (seconds to the first byte of output, seconds to the last byte before SETTLED_QUIET of
        silence): what the user sees start to change, and when the screen stopped changing."""
        while True:  # what was written before the key is not its answer
            _, data = self._drain(0)
            if not data:
                break
            self.stream.feed(data)
        sent = self.send(key)
        at, data = self._drain(timeout)
        if not data:
            raise TimeoutError(f"no output {timeout} s after {key!r}")
        first = last = at
        # Parsed only once the screen is quiet: pyte takes several ms for a frame of the list, and output that
        # arrived meanwhile would be timed when the parsing ended, not when it arrived.
        chunks = [data]
        while True:
            at, data = self._drain(SETTLED_QUIET)
            if not data:
                break
            last = at
            chunks.append(data)
        for chunk in chunks:
            self.stream.feed(chunk)
        return first - sent, last - sent

    def send(self, text: str) -> float:
        sent = time.perf_counter()
        os.write(self.fd, text.encode())
        return sent

    def close(self) -> None:
        self.child.terminate(force=True)
        self.child.close(force=True)

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.child.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def memory_mb(self) -> tuple[float, float]:
        status = dict(
            line.split(":", 1)
            for line in Path(f"/proc/{self.child.pid}/status").read_text().splitlines()
            if ":" in line
        )
        return int(status["VmRSS"].split()[0]) / 1024, int(status["VmHWM"].split()[0]) / 1024


def has_rows(lines: list[str]) -> bool:
    return any("SESSION" in line for line in lines) and any("ReadOnly" in line for line in lines)


def first_screen(argv: list[str], env: dict[str, str], ready: Callable[[list[str]], bool]) -> float:
    """Seconds from process start to the arrival of the frame that makes `ready` true."""
    screen = Screen(argv, env)
    try:
        return screen.wait(ready) - screen.started
    finally:
        screen.close()


def world_load_ms(env: dict[str, str], cached: bool) -> float:
    """What `load_world` costs in a fresh process (from the world cache, or merging afresh), median of 3."""
    code = (
        "import time; from roleui.aws.sources import load_world; t = time.perf_counter(); "
        f"load_world(None, cached={cached}); print(time.perf_counter() - t)"
    )
    times = []
    for _ in range(3):
        done = subprocess.run([PYTHON, "-c", code], env=env, capture_output=True, text=True, check=True)
        times.append(float(done.stdout))
    return statistics.median(times) * 1000


def expected_frames(env: dict[str, str]) -> list[tuple[str, str, str]]:
    """For every keystroke: (key, text the filter box shows, the list header's count, the first row's account)."""
    del env
    from roleui.aws.sources import load_world
    from roleui.core.world.filtering import RoleFilter

    world = load_world(None)
    roles = RoleFilter(world.roles)
    total = len(world.roles)
    steps = []
    for query in QUERIES:
        typed = [query[: n + 1] for n in range(len(query))]
        erased = [query[:n] for n in range(len(query) - 1, -1, -1)]
        for step, text in [*[("type", t) for t in typed], *[("erase", t) for t in erased]]:
            rows = roles.filter(text)
            count = f"({len(rows):,} roles)" if len(rows) == total else f"({len(rows):,}/{total:,} roles)"
            first = world.roles[rows[0]].account.name if rows else "no role matches"
            key = text[-1] if step == "type" else "\x7f"
            steps.append((key, text, count, first))
    return steps  # type: ignore[return-value]


class Keystrokes(NamedTuple):
    """Per key, in seconds: roleui's repaint (the right frame), first byte and settled; the bare Input's two."""

    repaint: list[tuple[float, str]]
    first_byte: list[float]
    settled: list[float]
    bare_first_byte: list[float]
    bare_settled: list[float]


def filter_latencies(env: dict[str, str]) -> tuple[Keystrokes, tuple[float, float, float], bool]:
    """Every key typed into roleui's filter and, interleaved key by key, into a bare Textual Input."""
    steps = expected_frames(env)
    screen = Screen([PYTHON, "-c", REPORTING_ROLEUI], env)
    bare = Screen([PYTHON, "-c", BARE_INPUT], env)
    try:
        screen.wait(has_rows)
        bare.wait(lambda lines: any("bare textual input" in line for line in lines))
        screen.pump(1.0)
        screen.send("/")
        screen.wait(lambda lines: "back to the list" in lines[-1])  # the filter has focus
        timings = Keystrokes([], [], [], [], [])
        for key, text, count, first in steps:  # type: ignore[misc]

            def done(lines: list[str], text: str = text, count: str = count, first: str = first) -> bool:
                typed = lines[1].strip() == f"filter {text}".strip() if text else "press / and type" in lines[1]
                return typed and count in lines[2] and first in lines[3]

            bare_first, bare_settled = bare.key_timings(key)
            timings.bare_first_byte.append(bare_first)
            timings.bare_settled.append(bare_settled)
            bare.pump(TYPING_GAP)
            sent = time.perf_counter()
            first_byte, settled = screen.key_timings(key)
            if not done(screen.screen.display):  # settled on a frame that is not the query's: keep reading
                settled = screen.wait(done, timeout=10) - sent
            timings.first_byte.append(first_byte)
            timings.settled.append(settled)
            timings.repaint.append((settled, text))
            screen.pump(TYPING_GAP)  # the next key comes TYPING_GAP after this frame: faster than anyone types
        memory = screen.memory_mb()
        report = json.loads(Path(env["BENCH_REPORT"]).read_text())
        return timings, (report["rss_first_screen"], *memory), bool(report["aws_sdk_before_first_screen"])
    finally:
        screen.close()
        bare.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(share * len(ordered)) - 1)]


def idle_cpu(env: dict[str, str], seconds: float) -> tuple[float, int]:
    screen = Screen([ROLEUI], env)
    try:
        # Any countdown: on a busy machine this phase starts well after the sessions' 50 minutes began.
        screen.wait(lambda lines: sum(bool(COUNTDOWN.search(line)) for line in lines) >= COUNTDOWNS)
        screen.pump(3.0)
        shown = sum(1 for line in screen.screen.display[3:] if line.rstrip().endswith("s") and "m " in line[-12:])
        before, started = screen.cpu_seconds(), time.perf_counter()
        screen.pump(seconds)
        used, elapsed = screen.cpu_seconds() - before, time.perf_counter() - started
        return 100.0 * used / elapsed, shown
    finally:
        screen.close()


def memory_after_assume(env: dict[str, str]) -> tuple[float, float]:
    """(VmRSS before, after) the first assume, against a moto server on 127.0.0.1 (botocore loads for it)."""
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    aws = dict(
        env,
        AWS_ENDPOINT_URL=f"http://{host}:{port}",
        AWS_ACCESS_KEY_ID="AKIAIOSFODNN7EXAMPLE",
        AWS_SECRET_ACCESS_KEY="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        AWS_DEFAULT_REGION="eu-west-1",
    )
    screen = Screen([ROLEUI], aws)
    try:
        screen.wait(has_rows)
        screen.pump(1.0)
        before, _ = screen.memory_mb()
        screen.send("/")
        screen.wait(lambda lines: "back to the list" in lines[-1])  # the filter has focus
        screen.send("09999")
        screen.wait(lambda lines: "09999" in lines[3])
        screen.send("\r")  # Enter in the filter assumes the highlighted role
        screen.wait(lambda lines: "09999" in lines[3] and "59m" in lines[3], timeout=60)
        screen.pump(1.0)
        after, _ = screen.memory_mb()
        return before, after
    finally:
        screen.close()
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15, help="first-screen runs of each program (interleaved)")
    parser.add_argument("--idle", type=float, default=20.0, help="seconds of idle CPU measurement")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="roleui-bench-") as tmp:
        env = build_world(Path(tmp))
        print(
            f"world: {ACCOUNTS:,} accounts x {len(ROLES)} roles = {ACCOUNTS * len(ROLES):,} rows; {os.cpu_count()} CPUs"
        )

        def bare_label(lines: list[str]) -> bool:
            return any("bare textual app" in line for line in lines)

        # Interleaved, so a busy moment of the machine hits both programs alike.
        world_cache = Path(env["HOME"]) / ".cache" / "roleui" / "world"
        runs: dict[str, list[float]] = {"bare": [], "roleui": [], "roleui after a change": []}
        for _ in range(args.runs):
            runs["bare"].append(first_screen([PYTHON, "-c", BARE_APP], env, bare_label))
            runs["roleui"].append(first_screen([ROLEUI], env, has_rows))
        for _ in range(3):
            shutil.rmtree(world_cache, ignore_errors=True)  # as after an edit of the catalog or a discovery
            runs["roleui after a change"].append(first_screen([ROLEUI], env, has_rows))
        ms = {name: statistics.median(values) * 1000 for name, values in runs.items()}
        print(
            f"time to first screen, process start to the first frame with 30,000 rows: `roleui` {ms['roleui']:.0f} ms, "
            f"bare Textual app {ms['bare']:.0f} ms (medians of {args.runs}, interleaved): "
            f"{ms['roleui'] / ms['bare']:.2f}x (target <= 1.15x); loading the world from its cache takes "
            f"{world_load_ms(env, True):.1f} ms of it"
        )
        print(
            f"the first start after a change to the catalog, ~/.aws/config or the organization cache (no world cache: "
            f"merge {world_load_ms(env, False):.0f} ms, then cache it): {ms['roleui after a change']:.0f} ms"
        )

        keys, (first_rss, rss, peak), boto3_early = filter_latencies(env)
        slowest = sorted(keys.repaint, reverse=True)[:5]

        def summary(values: list[float]) -> str:
            return (
                f"p50 {statistics.median(values) * 1000:.1f} ms, p95 {percentile(values, 0.95) * 1000:.1f} ms, "
                f"max {max(values) * 1000:.1f} ms"
            )

        anchor = percentile(keys.bare_first_byte, 0.95)
        print(f"{len(keys.first_byte)} keystrokes typed into roleui's filter, and the same into a bare Textual Input:")
        print(f"  bare Input echo, keystroke to first frame byte: {summary(keys.bare_first_byte)}")
        print(
            f"  bare Input echo, keystroke to settled ({SETTLED_QUIET * 1000:.0f} ms quiet): {summary(keys.bare_settled)}"
        )
        print(
            f"  roleui, keystroke to first frame byte: {summary(keys.first_byte)}: p95 "
            f"{percentile(keys.first_byte, 0.95) / anchor:.2f}x the bare echo's p95 (target <= 2x)"
        )
        print(
            f"  roleui, keystroke to the list settled (the query's frame, then {SETTLED_QUIET * 1000:.0f} ms quiet): "
            f"{summary(keys.settled)}: p95 {percentile(keys.settled, 0.95) / anchor:.2f}x the bare echo's p95 "
            f"(target <= 3x); slowest: " + ", ".join(f"{text!r} {x * 1000:.0f} ms" for x, text in slowest)
        )
        print(
            f"resident memory: {first_rss:.1f} MB at the first screen, {rss:.1f} MB after the typing "
            f"(peak {peak:.1f} MB; the identity comes from a child process, botocore not loaded) (target <= 56 MB)"
        )
        before, after = memory_after_assume(env)
        print(
            f"resident memory around a first assume (moto on 127.0.0.1): {before:.1f} MB before, {after:.1f} MB after "
            f"(botocore and an STS client loaded; beyond the target)"
        )
        print(f"botocore imported before the first screen: {'yes' if boto3_early else 'no'} (target: no)")

        cpu, shown = idle_cpu(env, args.idle)
        print(
            f"idle CPU with {COUNTDOWNS} live countdowns ({shown} rows counting on screen): {cpu:.2f}% over {args.idle:.0f} s (target <= 2%)"
        )


if __name__ == "__main__":
    sys.exit(main())
