"""One running demo: a temporary directory, the local AWS seeded with the story, and the process pointed at it.

`running_demo()` is a context manager; leaving it, normally or through any exception (Ctrl+C, SIGTERM turned
into SystemExit by the command), stops the servers, restores the environment and deletes the directory.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from roleui.aws.identity_center import refresh_identity_center
from roleui.core.clock import utc_now
from roleui.core.sources.identity_center.cache import save_ic_snapshots
from roleui.core.sources.organizations.cache import save_org_snapshot
from roleui.demo import sso_story
from roleui.demo.catalog import CATALOG
from roleui.demo.environment import demo_environ, replaced_environ
from roleui.demo.identity_center import Assignment
from roleui.demo.organization import DEFAULT_ACCOUNTS, PRECACHED_FROM, plan_organization, snapshot_of
from roleui.demo.server import LocalAws
from roleui.demo.story import PRODUCTION_ID, PRODUCTION_PROFILE, REGION
from roleui.demo.world import World, seed_world

TEMP_PREFIX = "roleui-demo-"
IDENTITY_CENTER_RATE = 500.0  # requests a second: the local portal answers as fast as it can


@dataclass(frozen=True, slots=True)
class Demo:
    """What a running demo offers: where its files are, its endpoints, and what was seeded."""

    directory: Path
    endpoint_url: str
    federation_url: str
    identity_center_url: str
    world: World


@contextmanager
def running_demo(*, accounts: int = DEFAULT_ACCOUNTS, cache_organization: bool = False) -> Iterator[Demo]:
    """The demo, up. `cache_organization` writes the organization to roleui's cache as a discovery would have
    found it, whatever its size: a command run in the demo (`roleui demo -- roleui list`) starts from the cache
    at once and cannot wait for the discovery the UI runs in the background."""
    directory = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX))  # mode 0700
    try:
        outer = dict(os.environ)
        tools = Path(sys.executable).parent
        # First drop the user's AWS settings: the seeding's own boto3 must not trip on an AWS_PROFILE either.
        with replaced_environ(demo_environ(outer, directory=directory, tools=tools)), LocalAws() as aws:
            _reset(aws.endpoint_url)
            world = seed_world(aws.endpoint_url, accounts=accounts)
            sso_url = aws.identity_center.url
            assigned = sso_story.assignments(plan_organization(accounts))
            for assignment in assigned:
                aws.identity_center.directory.assign(assignment)
            _write_files(directory, world, sso_url, _dev_account(assigned))
            full = demo_environ(
                outer,
                directory=directory,
                tools=tools,
                endpoint_url=aws.endpoint_url,
                federation_url=aws.federation_url,
                identity_center_url=sso_url,
                access_key_id=world.keys.access_key_id,
                secret_access_key=world.keys.secret_access_key,
            )
            with replaced_environ(full):
                big = world.organization.accounts >= PRECACHED_FROM
                if cache_organization or big:
                    save_org_snapshot(snapshot_of(world.organization, utc_now()))
                sso_story.sign_in(sso_url)
                # The assignments are there at once, in the UI and in commands. A small demo discovers them for
                # real (the local portal does not throttle); a big one writes what that discovery would find.
                if big:
                    save_ic_snapshots([sso_story.snapshot_of(sso_url, assigned, utc_now())])
                else:
                    refresh_identity_center(None, rate=IDENTITY_CENTER_RATE)
                yield Demo(directory, aws.endpoint_url, aws.federation_url, sso_url, world)
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def _dev_account(assigned: list[Assignment]) -> str:
    """The first account where deepak.dev is an administrator through Identity Center."""
    return next(a.account_id for a in assigned if sso_story.ADMIN_SET in a.permission_sets)


def _write_files(directory: Path, world: World, identity_center_url: str, dev_account: str) -> None:
    """The catalog; AWS files holding the `main` profile (deepak.dev's keys in the main account) and the
    Identity Center `[sso-session demo]` with two SSO profiles; the demo's HOME."""
    (directory / "home").mkdir(mode=0o700)
    aws = directory / "aws"
    aws.mkdir(mode=0o700)
    (aws / "config").write_text(
        f"[default]\nregion = {REGION}\n\n[profile {PRODUCTION_PROFILE}]\nregion = {REGION}\n"
        + sso_story.config_text(identity_center_url, dev_account, PRODUCTION_ID)
    )
    credentials = aws / "credentials"
    credentials.touch(mode=0o600)
    credentials.write_text(
        f"[{PRODUCTION_PROFILE}]\n"
        f"aws_access_key_id = {world.main_keys.access_key_id}\n"
        f"aws_secret_access_key = {world.main_keys.secret_access_key}\n"
    )
    (directory / "catalog.toml").write_text(CATALOG)


def _reset(endpoint_url: str) -> None:
    """moto keeps its state in module globals: start from an empty local AWS even if this process used one."""
    request = urllib.request.Request(f"{endpoint_url}/moto-api/reset", method="POST")  # noqa: S310 - our loopback
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - our own loopback server
        response.read()
