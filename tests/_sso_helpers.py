"""The local Identity Center for tests: the stand-in of roleui/demo/identity_center on a free port, minting
credentials through the test's moto server, and a "browser" that opens URLs the way a person's would."""

from __future__ import annotations

import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from roleui.demo.identity_center import Assignment, Directory, IdentityCenterServer, Lifetimes
from roleui.demo.identity_center.minting import MotoMinter

START_URL = "https://acme.awsapps.com/start"
SSO_REGION = "eu-west-1"
USER = "ada.dev"
DEV_ID = "310000000001"
PROD_ID = "310000000002"
ASSIGNMENTS = (
    Assignment(DEV_ID, "dev", "dev@example.com", ("AdministratorAccess", "ReadOnlyAccess")),
    Assignment(PROD_ID, "prod", "prod@example.com", ("ReadOnlyAccess",)),
)
SSO_CONFIG = f"""\
[sso-session acme]
sso_start_url = {START_URL}
sso_region = {SSO_REGION}
sso_registration_scopes = sso:account:access

[profile dev-admin]
sso_session = acme
sso_account_id = {DEV_ID}
sso_role_name = AdministratorAccess
region = eu-central-1

[profile prod-read]
sso_start_url = {START_URL}
sso_region = {SSO_REGION}
sso_account_id = {PROD_ID}
sso_role_name = ReadOnlyAccess
"""


@dataclass
class LocalIdentityCenter:
    directory: Directory
    url: str


@contextmanager
def running_identity_center(directory: Directory) -> Iterator[LocalIdentityCenter]:
    server = IdentityCenterServer(directory)
    server.start()
    try:
        yield LocalIdentityCenter(directory, server.url)
    finally:
        server.stop()


def local_identity_center(
    aws: str, monkeypatch: pytest.MonkeyPatch, **options: object
) -> Iterator[LocalIdentityCenter]:
    """Fixture body: the stand-in seeded with ASSIGNMENTS for USER, botocore's sso and sso-oidc pointed at it."""
    directory = Directory(user=USER, assignments=ASSIGNMENTS, minter=MotoMinter(aws), **options)  # type: ignore[arg-type]
    with running_identity_center(directory) as center:
        monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", center.url)
        monkeypatch.setenv("AWS_ENDPOINT_URL_SSO_OIDC", center.url)
        yield center


identity_center = contextmanager(local_identity_center)  # `with identity_center(aws, monkeypatch, ...) as center:`


def browse(url: str) -> bool:
    """Open `url` as a browser would: follow redirects (PKCE ends on roleui's loopback), read the page."""
    with urllib.request.urlopen(url, timeout=10) as response:
        response.read()
    return True


__all__ = ["Lifetimes", "browse", "identity_center", "local_identity_center", "running_identity_center"]


# A browser for child processes ($BROWSER, which webbrowser splits at ':', so a script file rather than -c CODE):
# roleui hands it a private redirect page (file://, so the authorize URL with its `state` never reaches `ps`); it
# follows the page's refresh as a browser does, then fetches the URL (which redirects to roleui's loopback), like a
# person already signed in to the portal who clicks Allow.
FOLLOWING_BROWSER = f"{sys.executable} {Path(__file__).with_name('_following_browser.py')} %s"
