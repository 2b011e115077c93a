"""SVG snapshots of the four screens people see most (frozen clock, fixed sessions): `pytest --snapshot-update`
rewrites them after a deliberate change; look at the SVGs in tests/snapshots/ before committing them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import pytest_textual_snapshot
from _ui_helpers import SCENE_SIZE, scene_app


class SnapshotsDir(pytest_textual_snapshot.SVGImageExtension):
    """Keep the SVGs in tests/snapshots/<module>/ (the repository's place for them) instead of __snapshots__."""

    @classmethod
    def dirname(cls, *, test_location: Any) -> str:
        return str(Path(test_location.filepath).parent / "snapshots" / test_location.basename)


@pytest.fixture(autouse=True)
def snapshots_in_tests_snapshots(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pytest_textual_snapshot, "SVGImageExtension", SnapshotsDir)


def _compare(snap_compare: Any, scene: str, tmp_path: Path, size: tuple[int, int] = SCENE_SIZE) -> bool:
    app, ready = scene_app(scene, tmp_path)
    result: bool = snap_compare(app, terminal_size=size, run_before=ready)
    return result


def test_the_main_screen_with_a_favorite_and_sessions_in_every_color(snap_compare: Any, tmp_path: Path) -> None:
    assert _compare(snap_compare, "main", tmp_path)


def test_the_filter_narrows_and_highlights_the_matched_letters(snap_compare: Any, tmp_path: Path) -> None:
    assert _compare(snap_compare, "filter", tmp_path)


def test_the_mfa_modal_with_the_demo_note(snap_compare: Any, tmp_path: Path) -> None:
    assert _compare(snap_compare, "mfa", tmp_path)


def test_the_help_screen(snap_compare: Any, tmp_path: Path) -> None:
    assert _compare(snap_compare, "help", tmp_path)


def test_the_identity_center_sign_in_modal_and_the_header_sign_in_states(snap_compare: Any, tmp_path: Path) -> None:
    assert _compare(snap_compare, "sign-in", tmp_path)


# The layout is designed for 80x24 first (a standard terminal, a common tmux pane), and must use 200x50 well.


def test_the_main_screen_at_80x24_with_sessions_on_one_line(snap_compare: Any, tmp_path: Path) -> None:
    assert _compare(snap_compare, "main", tmp_path, (80, 24))


def test_the_filter_at_80x24(snap_compare: Any, tmp_path: Path) -> None:
    assert _compare(snap_compare, "filter", tmp_path, (80, 24))


def test_the_help_screen_at_80x24_rewraps(snap_compare: Any, tmp_path: Path) -> None:
    assert _compare(snap_compare, "help", tmp_path, (80, 24))


def test_the_main_screen_at_200x50(snap_compare: Any, tmp_path: Path) -> None:
    assert _compare(snap_compare, "main", tmp_path, (200, 50))
