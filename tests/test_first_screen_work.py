"""What the UI does before its first screen, and what it leaves for after (the time itself is
benchmarks/bench_ui.py's): each widget styled once; no ctypes, OpenSSL, trail or sign-in dataclass loaded; the
process made non-dumpable and the trail told it is the UI once the screen is up, before any session is read
(roleui/ui/styled_once.py, roleui/commands/ui.py, roleui/ui/sign_in_state.py)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import pexpect
import pytest
from _ui_helpers import CATALOG, make_app, settle

from roleui.ui.widgets.sessions_panel import SessionsPanel


async def test_the_first_screen_has_the_styles_its_early_changes_asked_for() -> None:
    """The list focused (the filter was Textual's first pick), with its focused cursor; the empty panel hidden."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.focused is app.role_list
        assert app.role_list.get_component_rich_style("role-list--cursor").bold
        assert app.sessions_panel.has_class("-empty")
        assert app.sessions_panel.styles.display == "none"


def _styles_of(app: Any) -> dict[str, Any]:
    """Every node's rules on the screen, and those of each of its component classes."""
    found: dict[str, Any] = {}
    for n, node in enumerate(app.screen.walk_children(with_self=True)):
        name = f"{n} {type(node).__name__}"
        found[name] = node.styles.base.get_rules()
        for component, styles in sorted(node._component_styles.items()):
            found[f"{name} .{component}"] = styles.get_rules()
    return found


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_the_widgets_styled_at_registration_have_the_styles_a_whole_screen_pass_would_give(
    size: tuple[int, int],
) -> None:
    """Only the widgets that changed are restyled in the first pass: the others keep the styles of their
    registration, which must be those Textual's whole-screen pass would have given them."""
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        kept = _styles_of(app)
        app.stylesheet.update_nodes(app.screen.walk_children(with_self=True), animate=False)
        assert _styles_of(app) == kept
        assert (
            {"-narrow", "-short"} <= app.screen.classes
            if size == (80, 24)
            else {"-wide", "-tall"} <= app.screen.classes
        )


async def test_a_class_changed_after_the_first_screen_restyles_at_once() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        panel = app.query_one(SessionsPanel)
        panel.remove_class("-empty")
        assert panel.styles.display == "block"


# The real program, in a pseudo-terminal: what is loaded at the first screen, and whether the process is dumpable
# when it starts reading sessions (prctl PR_GET_DUMPABLE = 3).
REPORTING_UI = """
import json, os, sys
import roleui.commands.ui as ui_command

report = {"passes": []}
LATER = ("ctypes", "hashlib", "_hashlib", "roleui.ui.sign_in_state", "roleui.core.sessions.trail", "roleui.ui.demo_info")
frame_rate = ui_command._frame_rate


def hooked():
    frame_rate()  # as `roleui` does, before textual is imported (so the hooks below import it after)
    from textual.app import App
    from textual.css.stylesheet import Stylesheet
    from roleui.ui import app as app_module

    first_screen = app_module.RoleuiApp._after_first_screen
    update_nodes = Stylesheet.update_nodes
    display = App._display

    def counted(self, nodes, animate=False):
        nodes = list(nodes)
        if "drawn" not in report:
            report["passes"].append([type(node).__name__ for node in nodes])
        update_nodes(self, nodes, animate)

    def styles(app):
        found = {}
        for n, node in enumerate(app.screen.walk_children(with_self=True)):
            found[f"{n} {type(node).__name__}"] = repr(node.styles.base.get_rules())
            for component, component_styles in node._component_styles.items():
                found[f"{n} {type(node).__name__} .{component}"] = repr(component_styles.get_rules())
        return found

    def drawn(self, screen, renderable):
        if renderable is not None and "drawn" not in report:
            report["first_frame"] = {"classes": sorted(self.screen.classes), "details": self.detail_pane.size.height}
            # What a whole-screen pass would have given each node (Textual's own, not counted as a pass above).
            shown = styles(self)
            update_nodes(self.stylesheet, list(self.screen.walk_children(with_self=True)), False)
            again = styles(self)
            report["styled_otherwise"] = sorted(name for name in shown.keys() | again.keys() if shown.get(name) != again.get(name))
        display(self, screen, renderable)
        if renderable is not None:
            report.setdefault("drawn", True)  # the first frame is on its way to the terminal

    def at_first_screen(self):
        report["modules"] = [name for name in LATER if name in sys.modules]
        first_screen(self)

    def at_load_sessions(self):
        import ctypes
        from roleui.core.sessions import trail

        report["dumpable"] = ctypes.CDLL(None).prctl(3, 0, 0, 0, 0)
        report["trail_command"] = trail.COMMAND
        with open(os.environ["REPORT"], "w") as out:
            json.dump(report, out)
        self.exit()

    Stylesheet.update_nodes = counted
    App._display = drawn
    app_module.RoleuiApp._after_first_screen = at_first_screen
    app_module.RoleuiApp._load_sessions = at_load_sessions


ui_command._frame_rate = hooked
sys.argv = ["roleui"]
from roleui.launcher import main
sys.exit(main())
"""


def run_reporting_ui(tmp_path: Path, lines: int, columns: int) -> dict[str, Any]:
    catalog = tmp_path / "catalog.toml"
    catalog.write_text(CATALOG)
    report = tmp_path / "report.json"
    env = dict(os.environ, ROLEUI_CONFIG=str(catalog), REPORT=str(report), TERM="xterm-256color")
    for name in ("COLUMNS", "LINES"):  # Textual takes them over the terminal's own size (a test runner sets them)
        env.pop(name, None)
    child = pexpect.spawn(sys.executable, ["-c", REPORTING_UI], env=env, dimensions=(lines, columns), timeout=60)
    child.expect(pexpect.EOF)
    child.close()
    found: dict[str, Any] = json.loads(report.read_text())
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux's")
def test_the_real_ui_styles_its_widgets_once_loads_what_it_needs_later_later_and_reads_sessions_non_dumpable(
    tmp_path: Path,
) -> None:
    found = run_reporting_ui(tmp_path, 40, 120)
    # Up to the first frame: each widget is styled as Textual registers it, with the screen's size classes already
    # set; the screen's first pass restyles only the two whose pseudo-classes changed since: the filter (Textual's
    # first pick for the focus) and the list (the focus moved to it). Nothing else is restyled, early or in a
    # whole-screen pass (roleui/ui/styled_once.py).
    assert found["passes"] == [["FilterInput"], ["RoleList"]], json.dumps(found["passes"])
    assert found["styled_otherwise"] == []  # and every node has the styles a whole-screen pass would give it
    assert found["modules"] == []
    # (tests/test_security_processes.py shows that a fresh process reads 1 there, and not_dumpable makes it 0)
    assert found["dumpable"] == 0
    assert found["trail_command"] == "ui"  # what the trail records for the sessions the UI obtains

    assert {"-wide", "-tall"} <= set(found["first_frame"]["classes"])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux's")
def test_at_80x24_the_first_frame_already_has_the_narrow_short_layout(tmp_path: Path) -> None:
    """Textual sets the screen's size classes on its first Resize, which the terminal driver sends after the first
    frame: that frame used to have the wide layout (the details 14 lines high), and the next one moved every row."""
    found = run_reporting_ui(tmp_path, 24, 80)
    first = found["first_frame"]
    assert {"-narrow", "-short"} <= set(first["classes"])
    assert not {"-wide", "-tall"} & set(first["classes"])
    assert first["details"] < 12  # app.tcss: 14 lines with the border (12 inside) from 36 lines up, fewer below
