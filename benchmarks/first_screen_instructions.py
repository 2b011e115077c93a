"""The first screen in instructions: what `bench_ui.py` times, counted by valgrind, so a busy machine cannot blur it.

    .venv/bin/python benchmarks/first_screen_instructions.py [--tree DIR]

The world of bench_ui.py (30,000 roles from a fresh organization cache), each program in a pseudo-terminal of the
same size, under `valgrind --tool=callgrind`: the instructions every thread ran from process start to the first
frame with rows (roleui) or with the label (the bare Textual app), the process ending right after that frame.
Deterministic within ~0.5%, where bench_ui.py's times move by 10-20% with the load of the shared machine; a run
takes ~2 minutes. The ratio is not the time ratio (the bare app's time has more of the kernel's and the
terminal's share), but a change that cuts roleui's count cuts its time. With `--tree DIR`, roleui is imported from
DIR (another checkout: before/after in one run).

Each phase is counted apart (callgrind dumps its counters when the program calls getppid, which neither program
does otherwise): the imports and the world, Textual's start, the mount, the style pass, the first frame's drawing.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

import pexpect
from bench_ui import COLUMNS, LINES, PYTHON, ROOT, build_world  # this script's directory is on the path

# Run as `python -c PROBE bare|roleui`: marks phases (os.getppid: a callgrind dump point) and ends the process once
# the first frame is written.
PROBE = """
import os, sys, time
os.getppid()  # interpreter up

def watch():
    import textual.app
    display = textual.app.App._display

    def first_frame(self, screen, renderable):
        display(self, screen, renderable)
        if renderable is not None:
            os.getppid()
            time.sleep(0.3)  # the writer thread puts the frame on the terminal (a sleep runs no instruction)
            os._exit(0)

    textual.app.App._display = first_frame

if sys.argv[1] == "bare":  # bench_ui.py's BARE_APP
    from textual.app import App
    from textual.widgets import Label
    os.getppid()  # textual imported
    watch()

    class Bare(App):
        def compose(self):
            yield Label("bare textual app")

    Bare().run()
else:
    import roleui.commands.ui as ui_command
    frame_rate = ui_command._frame_rate

    def hooked():
        os.getppid()  # roleui's door imported and the world loaded
        frame_rate()
        import roleui.ui.app
        os.getppid()  # textual and the app imported
        watch()

    ui_command._frame_rate = hooked
    sys.argv = ["roleui"]
    from roleui.launcher import main
    main()
"""
PHASES = {
    "bare": ["interpreter", "textual imported", "run to the first frame"],
    "roleui": ["interpreter", "door, imports and world", "textual and the app imported", "run to the first frame"],
}


def count(program: str, env: dict[str, str], work: Path) -> list[int]:
    """Instructions of each phase of one start (callgrind's totals per dump, in order)."""
    out = work / f"callgrind.{program}"
    for old in glob.glob(f"{out}*"):
        os.remove(old)
    argv = ["--tool=callgrind", "--dump-before=getppid", f"--callgrind-out-file={out}", f"--log-file={out}.log"]
    child = pexpect.spawn(
        "valgrind", [*argv, PYTHON, "-c", PROBE, program], env=env, dimensions=(LINES, COLUMNS), timeout=900, cwd=work
    )
    child.expect(pexpect.EOF)
    child.close()
    dumps = sorted(glob.glob(f"{out}.*[0-9]"), key=lambda name: int(name.rsplit(".", 1)[1]))
    totals = []
    for dump in [*dumps, str(out)]:
        if os.path.exists(dump):
            found = re.search(r"^(?:summary|totals): (\d+)", Path(dump).read_text(), re.M)
            totals.append(int(found.group(1)) if found else 0)
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tree", type=Path, default=ROOT, help="the checkout whose roleui is measured")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("first_screen_instructions.py needs valgrind (apt-get install valgrind)")
    with tempfile.TemporaryDirectory(prefix="roleui-instructions-") as tmp:
        env = build_world(Path(tmp))
        env["PYTHONPATH"] = str(args.tree.resolve())  # run from the temporary directory: `-c` puts the cwd first
        # Once outside valgrind: the world cache written and every module compiled, as for a user's second start.
        for program in ("bare", "roleui"):
            child = pexpect.spawn(
                PYTHON, ["-c", PROBE, program], env=env, dimensions=(LINES, COLUMNS), timeout=120, cwd=tmp
            )
            child.expect(pexpect.EOF)
            child.close()
        results = {program: count(program, env, Path(tmp)) for program in ("bare", "roleui")}
    bare, roleui = (sum(results[p]) for p in ("bare", "roleui"))
    for program, totals in results.items():
        names = [*PHASES[program], "exit"]
        phases = ", ".join(f"{name} {n / 1e6:.1f}M" for name, n in zip(names, totals, strict=False))
        print(f"{program}: {sum(totals) / 1e6:.1f}M instructions to the first frame ({phases})")
    print(f"roleui / bare: {roleui / bare:.3f}x the instructions (tree {args.tree})")
    print(json.dumps({"bare": bare, "roleui": roleui}))


if __name__ == "__main__":
    main()
