"""Favorites and frecency in the user data dir (roleui/core/world/frecency.py): decay, persistence, safety."""

from __future__ import annotations

import json
import multiprocessing
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from roleui.core.clock import FrozenClock
from roleui.core.world.frecency import FILE_NAME, HALF_LIFE, Usage

START = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)


def test_a_role_assumed_once_scores_one_and_halves_every_week() -> None:
    clock = FrozenClock(START)
    usage = Usage(clock=clock)
    usage.record_use("main/Admin")
    assert usage.frecency("main/Admin") == pytest.approx(1.0)
    clock.advance(HALF_LIFE.total_seconds())
    assert usage.frecency("main/Admin") == pytest.approx(0.5)
    assert usage.frecency("never/Used") == 0.0


def test_often_and_recently_both_count() -> None:
    clock = FrozenClock(START)
    usage = Usage(clock=clock)
    for _ in range(4):
        usage.record_use("old/Often")  # four times, three weeks ago
    clock.advance(3 * HALF_LIFE.total_seconds())
    usage.record_use("new/Once")
    assert usage.frecency("new/Once") > usage.frecency("old/Often")  # 1 > 4/8
    usage.record_use("old/Often")
    assert usage.frecency("old/Often") == pytest.approx(1.5)
    assert usage.uses["old/Often"].times == 5
    assert usage.last_used("old/Often") == clock.now


def test_favorites_and_uses_are_kept_in_the_data_dir_between_runs(isolated_env: Path) -> None:
    clock = FrozenClock(START)
    first = Usage(clock=clock)
    assert first.toggle_favorite("main/Admin") is True
    first.record_use("main/Admin")
    assert first.path == Path(os.environ["ROLEUI_DATA_DIR"]) / FILE_NAME
    second = Usage(clock=clock)
    assert second.is_favorite("main/Admin")
    assert second.frecency("main/Admin") == pytest.approx(1.0)
    assert second.toggle_favorite("main/Admin") is False
    assert not Usage(clock=clock).is_favorite("main/Admin")


def test_a_change_keeps_what_another_window_saved_meanwhile(tmp_path: Path) -> None:
    clock = FrozenClock(START)
    path = tmp_path / "usage.json"
    window_a, window_b = Usage(path, clock=clock), Usage(path, clock=clock)
    window_a.toggle_favorite("a/Role")
    window_b.toggle_favorite("b/Role")
    window_b.record_use("b/Role")
    assert Usage(path, clock=clock).favorites == {"a/Role", "b/Role"}


def test_the_file_is_replaced_atomically_and_no_temporary_file_is_left(tmp_path: Path) -> None:
    path = tmp_path / "data" / "usage.json"
    usage = Usage(path, clock=FrozenClock(START))
    usage.toggle_favorite("x/Y")
    inode = path.stat().st_ino
    usage.record_use("x/Y")
    assert path.stat().st_ino != inode  # a new file renamed over the old one, never rewritten in place
    assert sorted(p.name for p in path.parent.iterdir()) == ["usage.json", "usage.json.lock"]
    assert json.loads(path.read_text())["favorites"] == ["x/Y"]


def test_a_failed_write_leaves_the_old_file_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "data" / "usage.json"
    usage = Usage(path, clock=FrozenClock(START))
    usage.toggle_favorite("kept/Role")
    before = path.read_text()

    def crash(*_: object, **__: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="No space left"):
        usage.toggle_favorite("lost/Role")
    assert path.read_text() == before
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_a_corrupt_file_is_reported_and_starts_empty_then_replaced(tmp_path: Path) -> None:
    path = tmp_path / "usage.json"
    path.write_text("{not json", encoding="utf-8")
    said: list[str] = []
    usage = Usage(path, clock=FrozenClock(START), warn=said.append)
    assert usage.favorites == set()
    assert len(said) == 1
    assert "is corrupt" in said[0]
    assert "start empty" in said[0]
    usage.toggle_favorite("a/B")
    assert json.loads(path.read_text())["favorites"] == ["a/B"]


def test_entries_of_the_wrong_shape_are_ignored(tmp_path: Path) -> None:
    path = tmp_path / "usage.json"
    path.write_text(
        json.dumps(
            {
                "favorites": ["ok/Role", 3],
                "uses": {"ok/Role": {"count": 2, "score": 1.5, "last": START.isoformat()}, "bad/Role": {"count": "x"}},
            }
        ),
        encoding="utf-8",
    )
    usage = Usage(path, clock=FrozenClock(START))
    assert usage.favorites == {"ok/Role"}
    assert set(usage.uses) == {"ok/Role"}


def _toggle_many(path: str, prefix: str) -> None:
    usage = Usage(Path(path), clock=FrozenClock(START))
    for n in range(15):
        usage.toggle_favorite(f"{prefix}/{n}")


def test_two_processes_changing_it_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "usage.json"
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_toggle_many, args=(str(path), name)) for name in ("a", "b")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    assert len(Usage(path, clock=FrozenClock(START)).favorites) == 30
