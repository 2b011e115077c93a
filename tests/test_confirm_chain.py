"""A role chained through a role that asks first (`via` a `confirm = true` role) asks too — once, in the UI and on
the command line — whenever that hop gets a new session with it; a cached hop asks nothing."""

from __future__ import annotations

import os
import subprocess

import pexpect
from _engine_helpers import ROLEUI, ROOT, StsProxy, write_catalog
from _ui_helpers import CATALOG, SUPPORT, catalog, go_to, make_app, settle, wait_for

from roleui.aws.engine import AssumeOptions, Engine
from roleui.core.catalog.refs import resolve_role
from roleui.core.clock import FrozenClock, utc_now
from roleui.ui.screens.confirm import ConfirmScreen
from roleui.ui.screens.mfa import MfaScreen
from roleui.ui.state import Active

pytest_plugins = ("_engine_fixtures",)  # the sts and user fixtures

ADMIN_KEY, SUPPORT_KEY = "main/AdminAccessRole", "main/ProdSupportRole"
IN_ROLE = ["--", "sh", "-c", "echo in:$ROLEUI_ROLE"]


def test_the_engine_finds_the_hop_that_asks_until_its_session_is_cached(sts: StsProxy) -> None:
    cat = catalog()
    engine = Engine(cat, clock=FrozenClock(utc_now()))
    admin, support = resolve_role(cat, ADMIN_KEY), resolve_role(cat, SUPPORT_KEY)
    assert [r.key for r in engine.confirmations_due(support)] == [ADMIN_KEY]
    assert [r.key for r in engine.confirmations_due(admin)] == [ADMIN_KEY]
    engine.assume(admin, AssumeOptions(mfa_code="123456"))
    assert engine.confirmations_due(support) == []  # the chain starts from the cached admin session
    assert engine.confirmations_due(support, AssumeOptions(use_cache=False)) == []  # a refresh reuses the hop
    assert [r.key for r in engine.confirmations_due(admin, AssumeOptions(use_cache=False))] == [ADMIN_KEY]


async def test_the_ui_asks_once_for_the_chain_and_no_means_no_call(sts: StsProxy) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        go_to(app, SUPPORT)
        await pilot.press("enter")
        assert isinstance(app.screen, ConfirmScreen)
        assert app.screen.body.endswith(  # type: ignore[attr-defined]
            "It chains through main/AdminAccessRole, which is marked confirm: it asks before each new session."
        )
        await pilot.press("n")
        await settle(pilot)
        assert SUPPORT_KEY not in app.states
        assert sts.actions("AssumeRole") == []

        await pilot.press("enter")
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, MfaScreen))  # the hop's MFA, not a second question
        await pilot.press(*"123456", "enter")
        await settle(pilot)
        assert isinstance(app.states[SUPPORT_KEY], Active)
        assert [c.get("RoleArn").rsplit("/", 1)[1] for c in sts.actions("AssumeRole")] == [  # type: ignore[union-attr]
            "AdminAccessRole",
            "ProdSupportRole",
        ]


def spawn(*args: str) -> pexpect.spawn:
    return pexpect.spawn(
        ROLEUI[0], [*ROLEUI[1:], *args], env={**os.environ, "TERM": "dumb"}, cwd=str(ROOT), timeout=60, encoding="utf-8"
    )


def test_the_command_line_asks_once_on_the_terminal_for_the_chain(sts: StsProxy) -> None:
    write_catalog(CATALOG)
    child = spawn("exec", SUPPORT_KEY, "--mfa-code", "123456", *IN_ROLE)
    child.expect_exact("It chains through main/AdminAccessRole, which is marked confirm")
    child.expect_exact(f"Assume {SUPPORT_KEY}? [y/N] ")
    child.sendline("y")
    child.expect_exact(f"in:{SUPPORT_KEY}")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "[y/N]" not in (child.before or "")  # asked once
    assert len(sts.actions("AssumeRole")) == 2
    again = spawn("exec", SUPPORT_KEY, *IN_ROLE)  # cached: nothing to ask
    again.expect_exact(f"in:{SUPPORT_KEY}")
    again.expect(pexpect.EOF)
    assert "[y/N]" not in (again.before or "")


def test_no_on_the_terminal_assumes_nothing(sts: StsProxy) -> None:
    write_catalog(CATALOG)
    child = spawn("exec", SUPPORT_KEY, "--mfa-code", "123456", *IN_ROLE)
    child.expect_exact("[y/N] ")
    child.sendline("n")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1
    assert f"roleui: {SUPPORT_KEY}: not assumed" in (child.before or "")
    assert sts.actions("AssumeRole") == []


def test_without_a_terminal_it_refuses_in_one_line_unless_yes(sts: StsProxy) -> None:
    write_catalog(CATALOG)

    def detached(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*ROLEUI, *args], capture_output=True, text=True, timeout=60, cwd=ROOT, start_new_session=True, check=False
        )

    refused = detached("exec", SUPPORT_KEY, "--mfa-code", "123456", *IN_ROLE)
    assert refused.returncode == 2
    assert refused.stderr.count("\n") == 1
    assert "main/ProdSupportRole asks first and there is no terminal to ask on" in refused.stderr
    assert refused.stderr.rstrip().endswith("— pass --yes")
    assert sts.actions("AssumeRole") == []
    done = detached("exec", SUPPORT_KEY, "--yes", "--mfa-code", "123456", *IN_ROLE)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"in:{SUPPORT_KEY}"
