"""Redraw the README's screenshots: the main screen with sessions, the filter in use, the MFA modal, the help screen,
and the main screen at 80x24.

    .venv/bin/python screenshots/make_screenshots.py

The scenes are the SVG snapshot tests' (tests/_ui_helpers.py `scene_app`): a frozen clock, fixed sessions and
a DEMO badge, so the pictures change only when the UI does. Writes screenshots/<scene>.svg.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from _ui_helpers import SCENE_SIZE, SCENES, scene_app  # noqa: E402 - the tests directory is not a package

# Also the main screen on a standard 80x24 terminal, the size the layout is designed for first.
SMALL_SCENES = {"main-80x24": ("main", (80, 24))}


async def draw(scene: str, data_dir: Path, size: tuple[int, int] = SCENE_SIZE, name: str | None = None) -> Path:
    app, ready = scene_app(scene, data_dir)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        await pilot.pause()
        return Path(app.save_screenshot(filename=f"{name or scene}.svg", path=str(HERE)))


def main() -> None:
    jobs = [(scene, SCENE_SIZE, scene) for scene in SCENES]
    jobs += [(scene, size, name) for name, (scene, size) in SMALL_SCENES.items()]
    for scene, size, name in jobs:
        with tempfile.TemporaryDirectory() as data_dir:
            print(asyncio.run(draw(scene, Path(data_dir), size, name)).relative_to(HERE.parent))


if __name__ == "__main__":
    main()
