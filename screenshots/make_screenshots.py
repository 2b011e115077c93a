"""Redraw the README's screenshots: the main screen with sessions, the filter in use, the MFA modal, the help screen.

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


async def draw(scene: str, data_dir: Path) -> Path:
    app, ready = scene_app(scene, data_dir)
    async with app.run_test(size=SCENE_SIZE) as pilot:
        await ready(pilot)
        await pilot.pause()
        return Path(app.save_screenshot(filename=f"{scene}.svg", path=str(HERE)))


def main() -> None:
    for scene in SCENES:
        with tempfile.TemporaryDirectory() as data_dir:
            print(asyncio.run(draw(scene, Path(data_dir))).relative_to(HERE.parent))


if __name__ == "__main__":
    main()
