"""The header line: who the base credentials are, the default region, where the catalog came from, DEMO.

The base identity needs an STS call (and boto3), so it arrives after the first screen from a worker; until then
the header says it is being fetched.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

from roleui.core.clock import Clock, utc_now
from roleui.core.models import Catalog, Source
from roleui.ui.safe import visible
from roleui.ui.widgets.kept_lines import KeptLines

if TYPE_CHECKING:
    from roleui.ui.sign_in_state import SignInState


def _home(path: str) -> str:
    home = os.path.expanduser("~")
    return "~" + path[len(home) :] if home and home != "/" and path.startswith(home + os.sep) else path


def catalog_source(catalog: Catalog, *, short: bool = False) -> str:
    """`~/.config/roleui/config.toml + 3 from ~/.aws/config + 40 discovered`, or what is missing; `short` names
    the files without their directories (`config.toml + 3 from config + ...`)."""
    name = os.path.basename if short else _home
    parts: list[str] = []
    if catalog.path:
        parts.append(name(catalog.path))
    from_aws = catalog.count(Source.AWS_CONFIG)
    if from_aws:
        parts.append(f"{from_aws} from {name(catalog.aws_config_path or '~/.aws/config')}")
    discovered = catalog.count(Source.ORGANIZATIONS)
    if discovered:
        parts.append(f"{discovered} discovered")
    assigned = catalog.count(Source.IDENTITY_CENTER)
    if assigned:
        parts.append(f"{assigned} from Identity Center")
    return " + ".join(parts) if parts else "no catalog"


def short_reason(message: str) -> str:
    """The first clause of an error message: `no base credentials found (default chain, …) — set …` gives
    `no base credentials found`."""
    return message.split(" (", 1)[0].split(" — ", 1)[0].split(": ", 1)[0].strip() or message


def without_detail(message: str) -> str:
    """An error message without its parenthesised detail: `no base credentials found (the default chain, …) — set
    …` gives `no base credentials found — set …` (the notification: short, and still saying what to do)."""
    head, paren, rest = message.partition(" (")
    if not paren or ")" not in rest:
        return message
    return head + rest.split(")", 1)[1]


def own_bases(catalog: Catalog) -> bool:
    """Whether every role brings its own base credentials (an AWS config profile's source_profile or
    credential_source, or an Identity Center sign-in): then no base identity is needed, and none missing is news."""
    return bool(catalog.roles) and all(
        role.source_profile or role.credential_source or role.sso_start_url for role in catalog.roles
    )


class IdentityHeader(KeptLines, Static):
    """One line; the app sets `identity`, `identity_error` or `status` and calls `show`."""

    def __init__(
        self, catalog: Catalog, *, demo: bool, print_env: bool, id: str | None = None, clock: Clock = utc_now
    ) -> None:
        super().__init__(id=id)
        self.catalog = catalog
        self.demo = demo
        self.print_env = print_env
        self.clock = clock
        self.identity: str | None = None
        self.identity_error: str | None = None
        self.status = ""
        self.sign_ins: list[SignInState] = []  # Identity Center sign-ins (roleui/ui/sign_in.py)

    def show(self) -> None:
        """Draw again after `identity`, `identity_error` or `status` changed."""
        self.refresh()

    def render(self) -> Text:
        text = self._line(short=False)
        if text.cell_len > self.content_region.width:  # the catalog's paths give way first
            text = self._line(short=True)
        return text

    def _line(self, *, short: bool) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        if self.demo:
            text.append(" DEMO ", style="bold black on yellow")
            text.append(" ")
        text.append("base ", style="dim")
        if self.identity:
            text.append(visible(self.identity), style="bold")
        elif self.identity_error and own_bases(self.catalog):
            text.append("each profile's own", style="dim")
        elif self.identity_error:
            # The gist only (the whole message is a notification): the region and catalog still fit on 80 columns.
            text.append(visible(short_reason(self.identity_error)), style="red")
        else:
            text.append("fetching…", style="dim italic")
        self._render_sign_ins(text)  # before the region and catalog: what the user may have to act on
        if self.status:  # discovery's progress: what is changing now
            text.append(visible(f"  {self.status}"), style="italic")
        text.append("  region ", style="dim")
        text.append(self.catalog.defaults.region or "default")
        text.append("  catalog ", style="dim")
        text.append(visible(catalog_source(self.catalog, short=short)))
        if self.print_env:
            text.append("  --print-env: q prints the last session", style="dim")
        return text

    def _render_sign_ins(self, text: Text) -> None:
        """`sso acme until 14:05` per sign-in; a missing or expired one says so (and `l` signs in)."""
        if not self.sign_ins:
            return
        now = self.clock()
        text.append("  sso", style="dim")
        for state in self.sign_ins:
            name = "".join(c if c.isprintable() else " " for c in state.name)
            text.append(f" {name} ")
            if state.expires_at is not None and state.expires_at > now:
                text.append(f"until {state.expires_at:%H:%M}", style="green")
            elif state.renewable:
                text.append("renews on use", style="yellow")
            else:
                text.append("signed out (l)", style="bold red")

    def set_catalog(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.show()
