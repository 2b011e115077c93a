"""The layers hold: the core and argument parsing load neither textual nor boto3 (checked in a fresh interpreter).

import-linter checks the declared imports (`lint-imports`, run by the test command); this test checks what
actually gets loaded at run time, which also catches a heavy import hidden behind a light one.
"""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import roleui.core
import roleui.fast

HEAVY = ("textual", "boto3", "botocore", "moto", "rich")


def _loaded_after(code: str) -> set[str]:
    probe = f"import sys, json\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    return {name.split(".")[0] for name in json.loads(out)}


def _modules_of(package: object) -> list[str]:
    prefix = f"{package.__name__}."  # type: ignore[attr-defined]
    return [m.name for m in pkgutil.walk_packages(package.__path__, prefix)]  # type: ignore[attr-defined]


def test_importing_every_core_module_loads_neither_textual_nor_boto3() -> None:
    modules = _modules_of(roleui.core)
    assert len(modules) > 30
    loaded = _loaded_after("\n".join(f"import {m}" for m in modules))
    assert not loaded & set(HEAVY)


def test_the_fast_doors_load_neither_textual_nor_boto3_nor_the_catalog() -> None:
    modules = _modules_of(roleui.fast)
    loaded = _loaded_after("\n".join(f"import {m}" for m in modules))
    assert not loaded & set(HEAVY)
    full = _loaded_after("\n".join(f"import {m}" for m in modules) + "\nprint()")
    assert "tomllib" not in full


def test_parsing_every_command_line_loads_neither_textual_nor_boto3() -> None:
    loaded = _loaded_after(
        "from roleui.cli import build_parser\n"
        "p = build_parser()\n"
        "p.parse_args(['list', '--json']); p.parse_args(['check']); p.parse_args(['env', 'a/b'])\n"
    )
    assert not loaded & set(HEAVY)
