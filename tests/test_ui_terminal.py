"""The UI as a person runs it, in a real pseudo-terminal: `eval "$(roleui --print-env)"`, the subshell's terminal,
Ctrl+C in a child, and the clipboard's native fallback. Also `launch` refusing to start without a terminal."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from _e2e_helpers import BIN, running
from _ui_helpers import CATALOG

from roleui.commands import ui as ui_command
from roleui.core.errors import UsageError
from roleui.ui import clipboard, subshell


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "TEXTUAL", "COLUMNS", "LINES"))}
    env.update({"HOME": str(home), "TERM": "xterm-256color", "LANG": "C.UTF-8", "PS1": "$ ", "SHELL": "/bin/sh"})
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '/usr/bin:/bin')}"
    return env


@pytest.mark.e2e
def test_eval_print_env_switches_the_calling_shell_and_the_subshell_writes_on_the_terminal(
    aws: str, isolated_env: Path, tmp_path: Path
) -> None:
    catalog_file = tmp_path / "catalog.toml"
    catalog_file.write_text(CATALOG, encoding="utf-8")
    with running(["/bin/bash", "--norc", "--noprofile"], _env(isolated_env)) as terminal:
        terminal.type(f'eval "$(roleui --config {catalog_file} --print-env)"; echo "NOW=$ROLEUI_ROLE"\r')
        screen = terminal.wait_for("CrossAccountS3ReadOnly", "SESSION")
        # Sized from the terminal it draws on, not from stdout (a pipe here, which would mean 80 columns).
        header = next(line for line in screen.splitlines() if "SESSION" in line)
        assert header.rstrip().endswith("SESSION")
        assert len(header.rstrip()) > 150
        terminal.press("enter")
        terminal.wait_until(
            "a countdown",
            lambda _: any("CrossAccountS3ReadOnly" in line and "59m" in line for line in terminal.lines()),
        )
        terminal.type("s")
        terminal.wait_for("$ ")
        terminal.type('echo "INSIDE=$ROLEUI_ROLE"\r')
        terminal.wait_for("INSIDE=shared-data/CrossAccountS3ReadOnly")  # on the terminal, not in $(...)
        terminal.type("exit\r")
        terminal.wait_for("CrossAccountS3ReadOnly", "SESSION")
        terminal.settle()
        terminal.type("q")
        screen = terminal.wait_for("NOW=shared-data/CrossAccountS3ReadOnly")
        assert "roleui: exported shared-data/CrossAccountS3ReadOnly" in screen
        assert "command not found" not in screen
        terminal.type("aws sts get-caller-identity --query Arn --output text\r")
        terminal.wait_for("arn:aws:sts::222222222222:assumed-role/CrossAccountS3ReadOnly/")


def test_the_ui_refuses_to_start_without_a_terminal_and_says_what_to_use(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", open(os.devnull))  # noqa: SIM115 - closed with the test process
    with pytest.raises(UsageError, match="the UI needs a terminal"):
        ui_command.launch(None)


def test_ctrl_c_in_the_child_does_not_reach_the_app_and_the_child_keeps_its_own_ctrl_c() -> None:
    before = signal.getsignal(signal.SIGINT)
    child = textwrap.dedent(
        """
        import os, signal, sys
        # Not ignored: the child's own Ctrl+C still works (SIG_IGN would have been inherited).
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
        os.kill(os.getppid(), signal.SIGINT)  # what a Ctrl+C on the terminal does to roleui too
        """
    )
    assert subshell.run_interactive([sys.executable, "-c", child], os.environ) == 0
    assert signal.getsignal(signal.SIGINT) is before


def test_a_child_that_cannot_start_raises_oserror_for_the_app_to_report() -> None:
    with pytest.raises(FileNotFoundError, match="no/such/program"):
        subshell.run_interactive(["/no/such/program"], os.environ)


def _fake_tool(directory: Path, name: str) -> Path:
    out = directory / f"{name}.out"
    tool = directory / name
    tool.write_text(f"#!/bin/sh\ncat > {out}\n", encoding="utf-8")
    tool.chmod(0o755)
    return out


def test_the_native_clipboard_tool_is_chosen_by_platform_and_session(tmp_path: Path) -> None:
    for name in ("pbcopy", "wl-copy", "xclip", "xsel"):
        _fake_tool(tmp_path, name)
    path = str(tmp_path)
    assert clipboard.native_copy_command({"PATH": path}, "darwin") == [str(tmp_path / "pbcopy")]
    assert clipboard.native_copy_command({"PATH": path, "WAYLAND_DISPLAY": "wayland-0"}, "linux") == [
        str(tmp_path / "wl-copy")
    ]
    assert clipboard.native_copy_command({"PATH": path, "DISPLAY": ":0"}, "linux") == [
        str(tmp_path / "xclip"),
        "-selection",
        "clipboard",
    ]
    (tmp_path / "xclip").unlink()
    assert clipboard.native_copy_command({"PATH": path, "DISPLAY": ":0"}, "linux") == [
        str(tmp_path / "xsel"),
        "--clipboard",
        "--input",
    ]
    assert clipboard.native_copy_command({"PATH": path}, "linux") is None


async def test_copying_writes_osc_52_and_feeds_the_native_tool_too(tmp_path: Path) -> None:
    from textual.app import App

    out = _fake_tool(tmp_path, "xclip")
    app: App[None] = App()
    async with app.run_test():
        thread = clipboard.copy_text(app, "https://example.com/é", native=[str(tmp_path / "xclip")])
        assert thread is not None
        thread.join(10)
        assert app.clipboard == "https://example.com/é"
    assert out.read_text(encoding="utf-8") == "https://example.com/é"


def test_a_failing_native_tool_is_reported_as_false_not_raised(tmp_path: Path) -> None:
    assert clipboard.copy_natively("x", [str(tmp_path / "missing")]) is False
    assert clipboard.copy_natively("x", ["/bin/false"]) is False


def test_the_ui_lets_textual_draw_a_frame_as_soon_as_one_is_due_without_leaking_the_setting_to_subshells() -> None:
    code = (
        "import os; from roleui.commands.ui import _frame_rate; _frame_rate(); import textual.constants as c; "
        "print(c.MAX_FPS, 'TEXTUAL_FPS' in os.environ)"
    )
    env = {k: v for k, v in os.environ.items() if k != "TEXTUAL_FPS"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["1000", "False"]  # a frame slot every millisecond: the next frame never waits
    env["TEXTUAL_FPS"] = "30"  # the user's own choice wins
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["30", "True"]
