"""Shared fixtures: a real local AWS (moto server on 127.0.0.1) and an environment that can never reach real AWS.

Every test runs with its own temporary HOME, cache, data and AWS config files, and with fake base
credentials, so nothing on the developer's machine leaks in and nothing leaks out. That HOME looks like most
users' (issue 18): ~/.aws/credentials has a `[default]` profile with IAM keys and ~/.aws/config a `[default]`
region, so whatever runs in a session must win over them. A test of a user without any credentials calls
`without_aws_files(home)` (tests/_aws_setups.py).
"""

from __future__ import annotations

import logging
import os
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from _aws_setups import write_default_profile


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test sees the user's files or credentials: HOME, XDG dirs, AWS files and roleui's dirs point into tmp_path."""
    home = tmp_path / "home"
    home.mkdir()
    write_default_profile(home)
    for name in list(os.environ):
        if name.startswith(("AWS_", "ROLEUI_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(home / ".aws" / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / ".aws" / "credentials"))
    # No ROLEUI_CONFIG: the user config dir (under XDG_CONFIG_HOME) holds no catalog unless a test writes one.
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("ROLEUI_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("ROLEUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    return home


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """A moto server on 127.0.0.1 and a free port, shared by the tests of one worker; yields its URL."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def aws(moto_server: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """A wiped local AWS and an environment whose SDKs talk to it with fake base credentials; yields the URL."""
    urllib.request.urlopen(urllib.request.Request(f"{moto_server}/moto-api/reset", method="POST")).read()
    # moto's reset leaves one global behind: which accounts belong to an organization. The demo's in-process
    # seeding (same process as this server) fills it, and a later create_organization would then be refused.
    from moto.organizations.models import organizations_backends

    organizations_backends.master_accounts.clear()
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    return moto_server
