"""Drive the real `roleui` program in a pseudo-terminal and read its screen as a person would see it.

pexpect runs the program on a pty; every byte it writes goes through pyte, a VT100 emulator, so tests read
the rendered screen (`terminal.screen_text()`), and is also kept raw, for what a screen does not show: OSC 52
clipboard writes and the escape sequences that enter and leave the alternate screen. Waiting is always for
something to appear, with generous timeouts: the machine running the tests may be busy.
"""

from __future__ import annotations

import base64
import os
import re
import socket
import sys
import termios
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import pexpect
import pyte

BIN = Path(sys.executable).parent
ROLEUI = str(BIN / "roleui")
COLUMNS, LINES = 160, 45
TIMEOUT = 60.0  # seconds: what a busy 2-core CI machine may need to start the demo

OSC_52 = re.compile(rb"\x1b\]52;[a-z]*;([A-Za-z0-9+/=]*)(?:\x07|\x1b\\)")
ENTER_ALTERNATE_SCREEN = b"\x1b[?1049h"
LEAVE_ALTERNATE_SCREEN = b"\x1b[?1049l"

KEYS = {
    "enter": "\r",
    "escape": "\x1b",
    "up": "\x1b[A",
    "down": "\x1b[B",
    "backspace": "\x7f",
    "tab": "\t",
    "end": "\x1b[F",
    "home": "\x1b[H",
}


class ScreenTimeout(AssertionError):
    """What the test waited for never appeared; the message shows the screen as it was."""


class Terminal:
    """A program on a pseudo-terminal of COLUMNS x LINES, with its output rendered by pyte."""

    def __init__(self, argv: list[str], env: dict[str, str], cwd: Path | None = None) -> None:
        self.screen = pyte.Screen(COLUMNS, LINES)
        self.stream = pyte.ByteStream(self.screen)
        self.raw = bytearray()
        self.child = pexpect.spawn(
            argv[0], argv[1:], env=env, cwd=str(cwd) if cwd else None, dimensions=(LINES, COLUMNS), timeout=None
        )
        self.initial_local_flags = self.local_flags()

    @property
    def pid(self) -> int:
        return int(self.child.pid)

    def pump(self, wait: float = 0.05) -> bool:
        """Read what the program wrote (waiting up to `wait` s for the first byte); False once it has exited."""
        try:
            data = self.child.read_nonblocking(1 << 16, timeout=wait)
        except pexpect.TIMEOUT:
            return True
        except pexpect.EOF:
            return False
        self.raw += data
        self.stream.feed(data)
        return True

    def screen_text(self) -> str:
        return "\n".join(line.rstrip() for line in self.screen.display)

    def lines(self) -> list[str]:
        return [line.rstrip() for line in self.screen.display]

    def wait_until(self, what: str, check: Callable[[str], bool], timeout: float = TIMEOUT) -> str:
        """Pump output until `check(screen)` holds; returns that screen, or fails showing the last one."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen_text()
            if check(screen):
                return screen
            if time.monotonic() > deadline:
                raise ScreenTimeout(f"waited {timeout:.0f} s for {what}; the screen was:\n{screen}")
            if not self.pump():
                screen = self.screen_text()
                if check(screen):
                    return screen
                raise ScreenTimeout(f"the program exited while waiting for {what}; the screen was:\n{screen}")

    def wait_for(self, *texts: str, timeout: float = TIMEOUT) -> str:
        """Wait until every text is on the screen."""
        return self.wait_until(" and ".join(map(repr, texts)), lambda s: all(t in s for t in texts), timeout)

    def wait_for_gone(self, text: str, timeout: float = TIMEOUT) -> str:
        return self.wait_until(f"{text!r} to go away", lambda s: text not in s, timeout)

    def type(self, text: str) -> None:
        self.child.send(text)

    def press(self, *keys: str) -> None:
        for key in keys:
            self.child.send(KEYS.get(key, key))
            # A lone ESC followed at once by another byte reads as Alt+that key: let the app see it alone.
            self.settle(0.2, timeout=2.0) if key == "escape" else self.pump(0.02)

    def settle(self, quiet: float = 0.3, timeout: float = 10.0) -> None:
        """Pump until the program has written nothing for `quiet` s (a redraw finished)."""
        deadline = time.monotonic() + timeout
        last = len(self.raw)
        quiet_since = time.monotonic()
        while time.monotonic() < deadline:
            if not self.pump(0.05):
                return
            if len(self.raw) != last:
                last, quiet_since = len(self.raw), time.monotonic()
            elif time.monotonic() - quiet_since >= quiet:
                return

    def clipboard_writes(self) -> list[str]:
        """Every text the program copied with OSC 52, decoded, in order."""
        return [base64.b64decode(match).decode() for match in OSC_52.findall(bytes(self.raw))]

    def wait_for_exit(self, timeout: float = TIMEOUT) -> int:
        deadline = time.monotonic() + timeout
        while self.pump(0.1):
            if time.monotonic() > deadline:
                raise ScreenTimeout(
                    f"the program did not exit in {timeout:.0f} s; the screen was:\n{self.screen_text()}"
                )
        self.child.wait()
        status = self.child.exitstatus
        return int(status) if status is not None else 128 + int(self.child.signalstatus or 0)

    def local_flags(self) -> int:
        """The pty's termios local modes now (ICANON, ECHO...): what the program left behind."""
        return int(termios.tcgetattr(self.child.child_fd)[3])

    def close(self) -> None:
        if self.child.isalive():
            self.child.terminate(force=True)
        with suppress(OSError):
            self.child.close(force=True)


def demo_env(tmp: Path, home: Path, shell: str = "/bin/bash") -> dict[str, str]:
    """The environment a person would start `roleui demo` with: a terminal, a shell, the venv's tools on PATH,
    and real-looking AWS credentials the demo must ignore; TMPDIR is the test's, to check for leftovers."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("AWS_", "ROLEUI_", "PYTEST_", "TEXTUAL", "COLUMNS", "LINES"))
    }
    env.update(
        {
            "HOME": str(home),
            "TMPDIR": str(tmp),
            "TERM": "xterm-256color",
            "COLORTERM": "truecolor",
            "SHELL": shell,
            "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
            "LANG": "C.UTF-8",
            "AWS_PROFILE": "real-work-profile",
            "AWS_ACCESS_KEY_ID": "AKIAREALKEYDONOTLEAK",
            "AWS_SECRET_ACCESS_KEY": "real-secret-do-not-leak",
        }
    )
    return env


@contextmanager
def running(argv: list[str], env: dict[str, str], cwd: Path | None = None) -> Iterator[Terminal]:
    terminal = Terminal(argv, env, cwd)
    try:
        yield terminal
    finally:
        terminal.close()


def listening_ports(pid: int) -> set[int]:
    """TCP ports the process listens on (Linux: its socket inodes matched against /proc/net/tcp*)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with suppress(OSError):
            target = os.readlink(fd)
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with suppress(OSError):
            for row in Path(table).read_text().splitlines()[1:]:
                fields = row.split()
                if fields[3] == "0A" and fields[9] in inodes:  # 0A: LISTEN
                    ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


def port_is_open(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0
