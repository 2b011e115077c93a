"""Refreshing the discovered sources from the UI: stale-while-revalidate after the first screen, `R`
and the palette; progress in the header, the grown list kept in place (roleui/aws/refresh.py does the work).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.message import Message

from roleui.core.models import Catalog
from roleui.ui.app_parts import AppParts
from roleui.ui.safe import one_line
from roleui.ui.sign_in import discoverable

if TYPE_CHECKING:
    pass


class OrganizationRefreshed(Message):
    def __init__(self, catalog: Catalog | None, error: str | None = None) -> None:
        super().__init__()
        self.catalog = catalog
        self.error = error


class OrganizationProgressed(Message):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class DiscoveryRefresh(AppParts):
    """Refreshing the discovered sources from the app, keeping the list in place. A part of RoleuiApp (roleui/ui/app.py)."""

    @work(thread=True, exit_on_error=False, group="organization-age", description="check the organization's age")
    def _refresh_organization_if_stale(self) -> None:
        # In a thread: reading a 10,000-account organization cache takes a few tens of milliseconds.
        from roleui.core.sources.identity_center.cache import stale_sign_ins
        from roleui.core.sources.organizations.cache import organization_is_stale

        # Stale while revalidate: the cached world stays on screen while every discovering source is read again.
        # A stale sign-in that is signed out waits for `l` (the header says so) instead of failing in the background.
        now = self.clock()
        stale = stale_sign_ins(self.catalog, now)
        if organization_is_stale(self.catalog, now) or (stale and discoverable(self.catalog, stale, now)):
            self.call_from_thread(self._refresh_organization)

    @work(
        thread=True, exit_on_error=False, group="organization", exclusive=True, description="refresh the organization"
    )
    def _refresh_organization(self) -> None:
        from roleui.aws.refresh import refresh_world

        def progress(text: str) -> None:
            self.post_message(OrganizationProgressed(text))

        progress("refreshing the organization…")
        try:
            # Through the world cache: stored for the next start, and held as compact columns.
            catalog = refresh_world(self.explicit_config, progress=progress, warn=self.warn, cached=True)
        except Exception as error:
            self.post_message(OrganizationRefreshed(None, one_line(error)))
            return
        self.post_message(OrganizationRefreshed(catalog))

    def _on_organization_progressed(self, message: OrganizationProgressed) -> None:
        header = self.header_bar
        header.status = message.text
        header.show()

    def _on_organization_refreshed(self, message: OrganizationRefreshed) -> None:
        header = self.header_bar
        header.status = ""
        if message.catalog is None:
            header.show()
            self.notify(f"organization not refreshed: {message.error}", severity="warning", timeout=8)
            return
        before = len(self.catalog.roles)
        self.set_catalog(message.catalog)
        after = len(message.catalog.roles)
        grown = f" ({after - before:,} new, listed after the {before:,} shown)" if after > before else ""
        self.notify(f"organization refreshed: {after:,} roles{grown}", title="Organization")

    def action_refresh_organization(self) -> None:
        if not self.catalog.organizations.enabled and not self.catalog.identity_center:
            self.notify(
                "nothing to discover: set [organizations] enabled = true, or add [[identity_center]] to the catalog",
                severity="warning",
            )
            return
        self._refresh_organization()
