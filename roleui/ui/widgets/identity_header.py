"""The header line: who the base credentials are, the default region, where the catalog came from, DEMO.

The base identity needs an STS call (and boto3), so it arrives after the first screen from a worker; until then
the header says it is being fetched.
"""

from __future__ import annotations

import os

from rich.text import Text
from textual.widgets import Static

from roleui.core.models import Catalog, Source


def _home(path: str) -> str:
    home = os.path.expanduser("~")
    return "~" + path[len(home) :] if home and home != "/" and path.startswith(home + os.sep) else path


def catalog_source(catalog: Catalog) -> str:
    """`~/.config/roleui/config.toml + 3 from ~/.aws/config + 40 discovered`, or what is missing."""
    parts: list[str] = []
    if catalog.path:
        parts.append(_home(catalog.path))
    from_aws = catalog.count(Source.AWS_CONFIG)
    if from_aws:
        parts.append(f"{from_aws} from {_home(catalog.aws_config_path or '~/.aws/config')}")
    discovered = catalog.count(Source.ORGANIZATIONS)
    if discovered:
        parts.append(f"{discovered} discovered")
    return " + ".join(parts) if parts else "no catalog"


def short_reason(message: str) -> str:
    """The first clause of an error message: `no base credentials found (default chain, …) — set …` gives
    `no base credentials found`."""
    return message.split(" (", 1)[0].split(" — ", 1)[0].split(": ", 1)[0].strip() or message


class IdentityHeader(Static):
    """One line; the app sets `identity`, `identity_error` or `status` and calls `show`."""

    def __init__(self, catalog: Catalog, *, demo: bool, print_env: bool, id: str | None = None) -> None:
        super().__init__(id=id)
        self.catalog = catalog
        self.demo = demo
        self.print_env = print_env
        self.identity: str | None = None
        self.identity_error: str | None = None
        self.status = ""

    def show(self) -> None:
        """Draw again after `identity`, `identity_error` or `status` changed."""
        self.refresh()

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        if self.demo:
            text.append(" DEMO ", style="bold black on yellow")
            text.append(" ")
        text.append("base ", style="dim")
        if self.identity:
            text.append(self.identity, style="bold")
        elif self.identity_error:
            # The gist only (the whole message is a notification): the region and catalog still fit on 80 columns.
            text.append(short_reason(self.identity_error), style="red")
        else:
            text.append("fetching…", style="dim italic")
        text.append("  region ", style="dim")
        text.append(self.catalog.defaults.region or "default")
        text.append("  catalog ", style="dim")
        text.append(catalog_source(self.catalog))
        if self.print_env:
            text.append("  --print-env: q prints the last session", style="dim")
        if self.status:
            text.append(f"  {self.status}", style="italic")
        return text

    def set_catalog(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.show()
