"""The header and the work done after the first screen: base identity, DEMO badge, organization refresh, and the
promise that boto3 is not imported before the first screen is up."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from _aws_setups import without_aws_files
from _org_helpers import build_org, use_catalog
from _ui_helpers import catalog, make_app, row_text, settle, wait_for

from roleui.aws.sources import load_world
from roleui.ui.demo_info import DemoInfo

ROOT = Path(__file__).resolve().parent.parent


def header(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.header_bar.render())


async def test_the_header_names_the_base_identity_region_and_catalog_source(aws: str) -> None:
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        text = header(app)
        assert "base arn:aws:sts::123456789012:user/moto" in text or "base arn:aws:iam::123456789012:user/moto" in text
        assert "region us-east-1" in text
        assert "DEMO" not in text


async def test_a_failed_identity_lookup_says_why_in_the_header(aws: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    without_aws_files(Path.home())  # a user with no ~/.aws files either
    app = make_app()
    async with app.run_test(size=(200, 40)) as pilot:
        await settle(pilot)
        assert "base no base credentials found  region" in header(app)


async def test_the_demo_badge_is_always_shown_in_the_demo() -> None:
    app = make_app(demo=DemoInfo(note="n", mfa_note="m"))
    async with app.run_test(size=(120, 40)):
        assert header(app).startswith(" DEMO ")


async def test_the_catalog_source_counts_roles_from_the_aws_config_file(
    isolated_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = isolated_env / ".aws" / "config"
    config.parent.mkdir(exist_ok=True)
    config.write_text("[profile ops]\nrole_arn = arn:aws:iam::555555555555:role/Ops\n", encoding="utf-8")
    catalog_file = isolated_env / "roleui.toml"
    catalog_file.write_text('[defaults]\nregion = "eu-west-1"\n', encoding="utf-8")
    monkeypatch.setenv("ROLEUI_CONFIG", str(catalog_file))
    world = load_world(None)
    app = make_app(world)
    async with app.run_test(size=(200, 40)):
        assert "catalog ~/roleui.toml + 1 from ~/.aws/config" in header(app)
        assert "region eu-west-1" in header(app)


async def test_a_stale_organization_is_refreshed_in_the_background_and_the_list_updates(
    aws: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build_org()
    use_catalog(tmp_path, monkeypatch, extra='[defaults]\nregion = "us-east-1"')
    world = load_world(None)
    assert world.roles == ()  # nothing cached yet: the organization is stale
    app = make_app(world)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: len(app.role_list.rows) > 0)
        await settle(pilot)
        keys = {app.catalog.roles[i].key for i in app.role_list.rows}
        assert "payments-prod/OrganizationAccountAccessRole" in keys
        assert app.engine.catalog is app.catalog
        assert any(n.startswith("Organization: organization refreshed") for n in app.seen)  # type: ignore[attr-defined]
        assert "payments-prod" in " ".join(row_text(app, r) for r in range(len(app.role_list.rows)))


def test_boto3_is_not_imported_before_the_first_screen_nor_for_the_base_identity(aws: str) -> None:
    """A fresh interpreter opens the app (headless) on a catalog and reports what was loaded at the first screen
    and once the header names the base identity (asked by a child process: boto3 stays out until an assume)."""
    code = textwrap.dedent(
        f"""
        import asyncio, json, sys
        sys.path.insert(0, {str(ROOT / "tests")!r})
        from roleui.core.catalog.parse import parse_catalog
        from roleui.aws.engine import Engine
        from roleui.ui.app import RoleuiApp
        import _ui_helpers
        assert "boto3" not in sys.modules, "imported by the helpers already"
        cat = parse_catalog(_ui_helpers.CATALOG, "ui.toml")
        app = RoleuiApp(cat, Engine(cat))

        async def main():
            async with app.run_test(size=(120, 40)) as pilot:
                while app.first_screen_at is None:
                    await pilot.pause(0.01)
                await app.workers.wait_for_complete()
                await pilot.pause()
                after = "boto3" in sys.modules
                identity = app.header_bar.identity

            print(json.dumps({{"before": app.boto3_before_first_screen, "after": after, "identity": identity}}))

        asyncio.run(main())
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report == {"before": False, "after": False, "identity": "arn:aws:sts::123456789012:user/moto"}


def test_the_catalog_helper_matches_the_ui_helpers_order() -> None:
    assert [r.key for r in catalog().roles][:2] == ["shared-data/CrossAccountS3ReadOnly", "main/AdminAccessRole"]


async def test_a_corrupt_favorites_file_is_reported_in_a_notification_and_the_app_starts(isolated_env: Path) -> None:
    import os

    data = Path(os.environ["ROLEUI_DATA_DIR"])
    data.mkdir(parents=True)
    (data / "usage.json").write_text("{oops", encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert any("is corrupt" in n.message and "start empty" in n.message for n in app._notifications)
        assert len(app.role_list.rows) == 5
