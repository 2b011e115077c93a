"""The demo's local AWS: a moto server, the fake federation endpoint and the local IAM Identity Center, all on
127.0.0.1 and free ports.

Both run in threads of this process, so the world can be seeded in-process and everything stops with the demo.
Nothing here listens on anything but the loopback interface.
"""

from __future__ import annotations

import logging
from types import TracebackType
from typing import Any

from roleui.demo.federation import AccountLook, FederationEndpoint
from roleui.demo.identity_center import Directory, IdentityCenterServer
from roleui.demo.story import USER_NAME

HOST = "127.0.0.1"


def demo_account_looks() -> dict[str, AccountLook]:
    """The demo catalog's accounts as the stand-in console shows them (name and colour)."""
    from roleui.core.catalog.parse import parse_catalog
    from roleui.demo.catalog import CATALOG

    return {a.id: AccountLook(a.name, a.color) for a in parse_catalog(CATALOG).accounts}


class LocalAws:
    """Start with `start()` (or `with`), stop with `stop()`; stopping twice is harmless."""

    def __init__(self) -> None:
        self._moto: Any = None
        self._federation: FederationEndpoint | None = None
        self._identity_center: IdentityCenterServer | None = None
        self.endpoint_url = ""

    @property
    def port(self) -> int:
        return int(self.endpoint_url.rsplit(":", 1)[1]) if self.endpoint_url else 0

    @property
    def federation_url(self) -> str:
        assert self._federation is not None, "start() first"
        return self._federation.url

    @property
    def identity_center(self) -> IdentityCenterServer:
        """The local Identity Center (sso-oidc and the sso portal on one URL); seed it through `.directory`."""
        assert self._identity_center is not None, "start() first"
        return self._identity_center

    def start(self) -> None:
        from moto.server import ThreadedMotoServer

        # werkzeug logs every request, and a failed one with its traceback, on stderr: over the UI. A failure
        # still reaches the client as a 500, which roleui reports in one line.
        logging.getLogger("werkzeug").setLevel(logging.CRITICAL)
        self._moto = ThreadedMotoServer(ip_address=HOST, port=0, verbose=False)
        self._moto.start()
        host, port = self._moto.get_host_and_port()
        self.endpoint_url = f"http://{host}:{port}"
        self._federation = FederationEndpoint(self.endpoint_url, accounts=demo_account_looks())
        self._federation.start()
        from roleui.demo.identity_center.minting import MotoMinter

        self._identity_center = IdentityCenterServer(Directory(user=USER_NAME, minter=MotoMinter(self.endpoint_url)))
        self._identity_center.console_sign_in = self._federation.console_url  # the portal's shortcut links
        self._identity_center.start()

    def stop(self) -> None:
        if self._identity_center is not None:
            self._identity_center.stop()
            self._identity_center = None
        if self._federation is not None:
            self._federation.stop()
            self._federation = None
        if self._moto is not None:
            moto, self._moto = self._moto, None
            moto.stop()
            # ThreadedMotoServer.stop() ends serve_forever but leaves the listening socket open; close it.
            wsgi = getattr(moto, "_server", None)
            if wsgi is not None:
                wsgi.server_close()

    def __enter__(self) -> LocalAws:
        try:
            self.start()
        except BaseException:
            self.stop()  # a half-started server must not outlive the failure
            raise
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()
