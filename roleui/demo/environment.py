"""The demo's process environment: no trace of the user's AWS setup, everything pointing at the local AWS.

Every AWS_* and ROLEUI_* variable is dropped (credentials, profiles, endpoints, an outer roleui session), then
the demo's own are set. Child processes (subshells, `aws`) inherit it, so they reach the local AWS too.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from roleui.demo.story import REGION

LOOPBACK = ("127.0.0.1", "localhost")


def stripped_environ(environ: Mapping[str, str], tools: Path | None = None) -> dict[str, str]:
    """`environ` without any AWS_* or ROLEUI_* variable, the loopback unproxied, and `tools` (the directory of
    this roleui's interpreter, where its `roleui` and `aws` live) first on PATH when it is not on it yet."""
    kept = {name: value for name, value in environ.items() if not name.startswith(("AWS_", "ROLEUI_"))}
    path = [entry for entry in kept.get("PATH", "").split(os.pathsep) if entry]
    if tools is not None and str(tools) not in path:
        kept["PATH"] = os.pathsep.join([str(tools), *path])
    for name in ("NO_PROXY", "no_proxy"):
        present = [host for host in kept.get(name, "").split(",") if host.strip()]
        kept[name] = ",".join([*present, *(host for host in LOOPBACK if host not in present)])
    return kept


def demo_environ(
    environ: Mapping[str, str],
    *,
    directory: Path,
    tools: Path | None = None,
    endpoint_url: str = "",
    federation_url: str = "",
    identity_center_url: str = "",
    access_key_id: str = "",
    secret_access_key: str = "",
) -> dict[str, str]:
    """The full environment of the demo process (the endpoint and keys are set once the local AWS is up).

    HOME is the demo's own `home` directory: the Identity Center token cache (~/.aws/sso/cache, which no variable
    moves) must be the demo's, for roleui and for every `aws` in its subshells."""
    env = stripped_environ(environ, tools)
    env.update(
        {
            "HOME": str(directory / "home"),
            "AWS_CONFIG_FILE": str(directory / "aws" / "config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(directory / "aws" / "credentials"),
            "AWS_DEFAULT_REGION": REGION,
            "AWS_REGION": REGION,
            "AWS_EC2_METADATA_DISABLED": "true",  # never probe an instance metadata service for credentials
            "AWS_PAGER": "",
            "ROLEUI_CONFIG": str(directory / "catalog.toml"),
            "ROLEUI_CACHE_DIR": str(directory / "cache"),
            "ROLEUI_DATA_DIR": str(directory / "data"),
        }
    )
    optional = {
        "AWS_ENDPOINT_URL": endpoint_url,
        "ROLEUI_FEDERATION_ENDPOINT": federation_url,
        "AWS_ENDPOINT_URL_SSO": identity_center_url,
        "AWS_ENDPOINT_URL_SSO_OIDC": identity_center_url,
        "AWS_ACCESS_KEY_ID": access_key_id,
        "AWS_SECRET_ACCESS_KEY": secret_access_key,
    }
    env.update({name: value for name, value in optional.items() if value})
    return env


@contextmanager
def replaced_environ(environ: Mapping[str, str]) -> Iterator[None]:
    """Run with exactly `environ` as os.environ; the previous one comes back afterwards."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(environ)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)
