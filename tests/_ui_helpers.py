"""Helpers for the UI tests: a small catalog for the moto server, a synthetic 30,000-role world, a fixed engine for
snapshots, and ways to read what the app shows (row text, notifications) and to wait for workers.

Pilot tests use the real Engine against the moto server (`aws` fixture) wherever a real call is possible;
`StaticEngine` exists only for SVG snapshots, whose pixels must not depend on moto's clock or random ids.
"""

from __future__ import annotations

import asyncio
import textwrap
import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget

from roleui.aws.engine import AssumeOptions, Engine, Identity, MfaCodeProvider
from roleui.core.catalog.parse import parse_catalog
from roleui.core.clock import FrozenClock, utc_now
from roleui.core.models import Account, Catalog, Role
from roleui.core.sessions.session import Credentials, Session
from roleui.ui.app import RoleuiApp

MFA_SERIAL = "arn:aws:iam::123456789012:mfa/deepak.dev"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzSECRETzz"

CATALOG = f"""
[defaults]
region = "us-east-1"
duration = "1h"
mfa_serial = "{MFA_SERIAL}"

[[accounts]]
id = "222222222222"
name = "shared-data"
aliases = ["data"]
tags = {{ environment = "prod", team = "data" }}
color = "blue"

  [[accounts.roles]]
  name = "CrossAccountS3ReadOnly"
  description = "Read-only access to s3://my-shared-bucket"
  external_id = "my-secret-external-id-1234"
  source_identity = "deepak.dev"

[[accounts]]
id = "123456789012"
name = "main"
aliases = ["production"]
tags = {{ environment = "prod", team = "platform" }}
color = "red"

  [[accounts.roles]]
  name = "AdminAccessRole"
  mfa = true
  confirm = true

  [[accounts.roles]]
  name = "ProdSupportRole"
  path = "/support/"
  via = "main/AdminAccessRole"

[[accounts]]
id = "333333333333"
name = "web-staging"
tags = {{ environment = "staging", team = "web" }}

  [[accounts.roles]]
  name = "Developer"

  [[accounts.roles]]
  name = "BillingAdmin"
  mfa = true
"""

# Row order of CATALOG (catalog order) for readable assertions.
CROSS, ADMIN, SUPPORT, DEVELOPER, BILLING = range(5)


def catalog(text: str = CATALOG, *, keys: str = "") -> Catalog:
    return parse_catalog(textwrap.dedent(text) + (f"\n[keys]\n{keys}\n" if keys else ""), "ui.toml")


def synthetic_catalog(accounts: int = 10_000, roles: tuple[str, ...] = ("ReadOnly", "Developer", "Admin")) -> Catalog:
    """`accounts` x `roles`: team-env-NNNNN accounts with tags and OU paths (the benchmark's 30,000 rows)."""
    teams = ("web", "data", "payments", "search", "ml", "infra", "mobile", "identity")
    envs = ("prod", "staging", "dev", "sandbox")
    made_accounts: list[Account] = []
    made_roles: list[Role] = []
    for n in range(accounts):
        team, env = teams[n % len(teams)], envs[(n // len(teams)) % len(envs)]
        account = Account(
            id=f"{100000000000 + n:012d}",
            name=f"{team}-{env}-{n:05d}",
            tags={"environment": env, "team": team},
            ou_path=f"Workloads/{env.title()}/{team}",
        )
        made_accounts.append(account)
        made_roles += [Role(account=account, name=name) for name in roles]
    return Catalog(accounts=tuple(made_accounts), roles=tuple(made_roles))


def frozen_now() -> FrozenClock:
    """A frozen clock at the real time: moto's expirations are real-time based."""
    return FrozenClock(utc_now())


def make_app(
    cat: Catalog | None = None, *, engine: Any = None, clock: FrozenClock | None = None, **kwargs: Any
) -> RoleuiApp:
    """The app over the real engine (unless given one); every notification is recorded in `app.seen`."""
    cat = cat or catalog()
    clock = clock or frozen_now()
    app = RoleuiApp(cat, engine or Engine(cat, clock=clock), clock=clock, **kwargs)
    seen: list[str] = []
    notify = app.notify

    def recording_notify(message: str, *args: Any, **kw: Any) -> None:
        seen.append(f"{kw.get('title', '')}: {message}")
        notify(message, *args, **kw)

    app.notify = recording_notify  # type: ignore[method-assign]
    app.seen = seen  # type: ignore[attr-defined]
    return app


async def wait_for(pilot: Pilot[Any], predicate: Callable[[], bool], timeout: float = 15.0) -> None:
    """Let the app run until `predicate()` holds (workers land through the message queue)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError("timed out waiting for the app")
        await pilot.pause(0.02)


async def settle(pilot: Pilot[Any]) -> None:
    """Wait for the first screen (the workers start after it), for every worker, then for their messages."""
    while getattr(pilot.app, "first_screen_at", 0) is None:
        await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def row_text(app: RoleuiApp, row: int) -> str:
    """The text of list row `row` (0 = first role) as drawn now; the row must be on screen."""
    roles = app.role_list
    y = row - round(roles.scroll_y) + 1
    return "".join(segment.text for segment in roles.render_line(y))


async def detail_text(pilot: Pilot[Any]) -> str:
    """The detail pane's text (drawn a frame after the list, so let that frame happen)."""
    await pilot.pause()
    app = pilot.app
    assert isinstance(app, RoleuiApp)
    return str(app.detail_pane.render())


def visible_text(widget: Widget) -> str:
    """What a widget draws now (border included), line by line: what fits, wrapped as on the screen."""
    size = widget.size
    return "\n".join(strip.text for strip in widget.render_lines(Region(0, 0, size.width, size.height)))


def header_text(app: RoleuiApp) -> str:
    roles = app.role_list
    return "".join(segment.text for segment in roles.render_line(0))


def notifications(app: RoleuiApp) -> list[str]:
    """Every notification of the run as 'title: message' (recorded by `make_app`)."""
    seen: list[str] = app.seen  # type: ignore[attr-defined]
    return seen


def go_to(app: RoleuiApp, index: int) -> None:
    """Put the cursor on catalog role `index` (the list must show it)."""
    app.role_list.move_cursor(list(app.role_list.rows).index(index))


@contextmanager
def no_suspend(app: RoleuiApp) -> Iterator[list[bool]]:
    """Headless apps cannot suspend (SuspendNotSupported): record the suspensions instead."""
    entered: list[bool] = []

    @contextmanager
    def suspend() -> Iterator[None]:
        entered.append(True)
        yield

    original = app.suspend
    app.suspend = suspend  # type: ignore[method-assign]
    try:
        yield entered
    finally:
        app.suspend = original  # type: ignore[method-assign]


class GatedEngine(Engine):
    """The real engine, but every assume waits for `gate` first: shows what the UI does while calls are slow."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.gate = threading.Event()
        self.waiting = 0
        self._lock = threading.Lock()

    def assume(
        self,
        role: Role,
        options: AssumeOptions = AssumeOptions(),  # noqa: B008 - the engine's own signature
        mfa: MfaCodeProvider | None = None,
    ) -> Session:
        with self._lock:
            self.waiting += 1
        assert self.gate.wait(30), "the test never opened the gate"
        return super().assume(role, options, mfa)


@dataclass
class StaticEngine:
    """A fixed engine for snapshots only: sessions expire at given times, nothing is random or remote."""

    catalog: Catalog
    clock: Callable[[], datetime]
    expiries: dict[str, timedelta] = field(default_factory=dict)  # role key -> time left at start
    identity: str = "arn:aws:iam::111111111111:user/deepak.dev"
    forgotten: list[str] = field(default_factory=list)

    def session(self, role: Role, left: timedelta) -> Session:
        now = self.clock()
        return Session(
            role_key=role.key,
            role_arn=role.arn,
            account_id=role.account.id,
            assumed_role_arn=f"arn:aws:sts::{role.account.id}:assumed-role/{role.name}/deepak.dev",
            session_name="deepak.dev",
            credentials=Credentials("ASIAEXAMPLEEXAMPLE00", SECRET, "token", now + left),
            region="us-east-1",
            issued_at=now,
        )

    def sessions(self) -> list[Session]:
        by_key = {r.key: r for r in self.catalog.roles}
        return [self.session(by_key[key], left) for key, left in self.expiries.items()]

    def cached(self, role: Role) -> Session | None:
        left = self.expiries.get(role.key)
        return self.session(role, left) if left is not None else None

    def assume(
        self,
        role: Role,
        options: AssumeOptions = AssumeOptions(),  # noqa: B008 - the engine's own signature
        mfa: MfaCodeProvider | None = None,
    ) -> Session:
        if role.mfa_serial and mfa is not None:
            mfa(role.mfa_serial)
        self.expiries[role.key] = timedelta(hours=1)
        return self.session(role, timedelta(hours=1))

    def mfa_serial_needed(self, role: Role, options: AssumeOptions | None = None) -> str | None:
        return role.mfa_serial

    def confirmations_due(self, role: Role, options: AssumeOptions | None = None) -> list[Role]:
        """The role itself when it asks first and has no session to reuse (these scenes hold no chains)."""
        from roleui.core.world.confirmation import needs_confirmation

        reuse = options is None or options.use_cache
        if (reuse and self.cached(role) is not None) or not needs_confirmation(role, self.catalog.defaults):
            return []
        return [role]

    def forget(self, role: Role) -> int:
        self.forgotten.append(role.key)
        return 1 if self.expiries.pop(role.key, None) else 0

    def forget_all(self) -> int:
        count = len(self.expiries)
        self.expiries.clear()
        return count

    def base_identity(self, *, in_child: bool = False) -> Identity:
        return Identity(account=self.identity.split(":")[4], arn=self.identity, user_id="AIDAEXAMPLE")


SNAPSHOT_TIME = datetime(2025, 3, 14, 9, 26, 53, tzinfo=UTC)


# -- scenes: the snapshot tests and screenshots/make_screenshots.py draw the same screens -------------------

SCENES = ("main", "filter", "mfa", "help", "sign-in")
SCENE_SIZE = (120, 36)


def showcase_catalog() -> Catalog:
    """CATALOG plus a few dozen discovered-looking accounts, so the list looks like a real one."""
    base = catalog()
    extra = synthetic_catalog(14, roles=("ReadOnly", "Developer"))
    return replace(base, accounts=base.accounts + extra.accounts, roles=base.roles + extra.roles)


def scene_app(scene: str, data_dir: Path) -> tuple[RoleuiApp, Callable[[Pilot[Any]], Awaitable[None]]]:
    """The app and what to do before the picture (keys, waits), for one scene (frozen clock, fixed sessions)."""
    from roleui.core.world.frecency import Usage
    from roleui.ui.demo_info import DemoInfo
    from roleui.ui.screens.mfa import MfaScreen

    clock = FrozenClock(SNAPSHOT_TIME)
    cat = showcase_catalog()
    engine = StaticEngine(
        cat,
        clock,
        expiries={
            "shared-data/CrossAccountS3ReadOnly": timedelta(minutes=42, seconds=17),
            "main/ProdSupportRole": timedelta(minutes=12, seconds=5),
            "web-staging/Developer": timedelta(minutes=3, seconds=41),
        },
    )
    usage = Usage(data_dir / "usage.json", clock=clock)
    if not usage.is_favorite("shared-data/CrossAccountS3ReadOnly"):
        usage.toggle_favorite("shared-data/CrossAccountS3ReadOnly")
    demo = DemoInfo(
        note="Demo: a local AWS (moto) on 127.0.0.1; nothing reaches real AWS.",
        mfa_note="Demo: the local AWS accepts any 6-digit code (e.g. 123456).",
    )
    app = RoleuiApp(cat, engine, clock=clock, usage=usage, demo=demo)
    presses: tuple[str, ...] = {
        "main": ("down",),
        "filter": ("slash", *"prod ro"),
        "mfa": ("down", "enter", "y"),
        "help": ("question_mark",),
        "sign-in": (),
    }[scene]

    async def ready(pilot: Pilot[Any]) -> None:
        app.filter_input.cursor_blink = False
        await wait_for(pilot, lambda: app.header_bar.identity is not None)
        await wait_for(pilot, lambda: len(app.sessions_panel.sessions) == 3)
        app.tick()  # the 5-minute notification of the critical session, now, whatever the machine's speed
        await pilot.press(*presses)
        if scene == "mfa":
            await wait_for(pilot, lambda: isinstance(app.screen, MfaScreen))
        if scene == "sign-in":
            await sign_in_scene(pilot, app, clock)
        await pilot.pause()

    return app, ready


async def sign_in_scene(pilot: Pilot[Any], app: RoleuiApp, clock: FrozenClock) -> None:
    """Two Identity Center sign-ins in the header (one signed in, one out), and the sign-in modal of the second."""
    from roleui.ui.screens.sign_in import SignInScreen
    from roleui.ui.sign_in_state import SignInState

    await app.workers.wait_for_complete()  # the header's own reading of the sign-ins (none here) has landed
    await pilot.pause()
    app.header_bar.sign_ins = [SignInState("acme", clock() + timedelta(hours=7, minutes=30)), SignInState("corp", None)]
    app.header_bar.show()
    url = "https://device.sso.eu-west-1.amazonaws.com/?user_code=WDJB-MJHT"
    app.push_screen(SignInScreen("corp", url, "WDJB-MJHT", browser_opened=False, role_key="dev/AdministratorAccess"))
    await wait_for(pilot, lambda: isinstance(app.screen, SignInScreen))
