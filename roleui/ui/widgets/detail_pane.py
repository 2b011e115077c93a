"""The detail pane: everything about the highlighted role that decides how it is assumed.

Shows whether an ExternalId is set, never its value. The chain (`via`) is spelled out hop by hop with the 1 h
cap AWS puts on chained sessions.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from rich.text import Text

from roleui.core.durations import format_duration
from roleui.core.models import CHAINED_MAX_DURATION, Defaults, Role
from roleui.ui.safe import visible
from roleui.ui.state import Active, Assuming, Failed, RowState
from roleui.ui.widgets.boxed_text import BoxedText

LABEL_WIDTH = 13


def chain_of(role: Role, find: Callable[[str], Role | None]) -> list[str]:
    """Role keys from the first hop to `role` (just `[role.key]` when it is not chained); stops on a loop."""
    keys = [role.key]
    current: Role | None = role
    while current is not None and current.via:
        if current.via in keys:
            keys.insert(0, f"{current.via} (loop)")
            break
        keys.insert(0, current.via)
        current = find(current.via)
    return keys


def describe_role(
    role: Role,
    *,
    defaults: Defaults,
    find: Callable[[str], Role | None],
    state: RowState | None,
    last_used: datetime | None,
    uses: int,
    favorite: bool,
    asks: bool | None = None,
    console: str | None = None,
) -> Text:
    """The pane's text for one role: about ten lines, the session's state first, then the duration and the
    chain; `asks` says whether assuming it asks first (default: the role's own `confirm`)."""
    asks = role.confirm if asks is None else asks
    text = Text(no_wrap=True, overflow="ellipsis")
    # Every value is a name from someone else: shown with control characters as pictures (never sent raw).
    text.append(("★ " if favorite else "") + visible(f"{role.account.name} / {role.path_and_name}"), style="bold")
    text.append(visible(f"  {role.source}" + (f" profile {role.profile}" if role.profile else "")), style="dim")
    if asks:
        text.append("  asks before assuming", style="bold yellow")

    def line(label: str, value: str, style: str = "") -> None:
        text.append("\n" + label.ljust(LABEL_WIDTH), style="dim")
        text.append(visible(value), style=style)

    # The state first: on a short screen the pane shows only its first lines (notifications stay below them).
    if isinstance(state, Active):
        session = state.session
        line("Active", f"until {session.expiration:%H:%M:%S} UTC · {session.assumed_role_arn}", "green")
        if session.scope:
            line("Scope", f"{session.scope} (session policy: at most what it allows)", "bold cyan")
        if console:
            line("Console", console)
    elif isinstance(state, Assuming):
        line("Active", "assuming…", "italic")
    elif isinstance(state, Failed):
        line("Failed", state.message, "bold red")
    # Then how it is assumed: the duration (with the chaining cap) and the chain are what a short pane must show.
    chain = chain_of(role, find)
    duration = role.effective_duration(defaults)
    region = role.effective_region(defaults) or "from the base profile"
    if len(chain) > 1:
        capped = min(duration, CHAINED_MAX_DURATION)
        asked = f", {format_duration(duration)} asked" if duration > capped else ""
        line("Duration", f"{format_duration(capped)} (role chaining: 1h cap{asked}) · region {region}")
        line("Chain", " → ".join(chain), "bold")
    else:
        line("Duration", f"{format_duration(duration)} · region {region}")
    if role.description:
        text.append("\n" + visible(role.description), style="italic")
    line("ARN", role.arn)
    account = role.account
    where = [account.id]
    if account.aliases:
        where.append(f"aliases {', '.join(account.aliases)}")
    if account.ou_path:
        where.append(f"OU {account.ou_path}")
    if account.state != "ACTIVE":
        where.append(account.state)
    line("Account", " · ".join(where))
    if account.tags:
        line("Tags", "  ".join(f"{k}={v}" for k, v in account.tags.items()))
    line("ExternalId", "set (value hidden)" if role.external_id else "none")
    text.append(" · MFA ", style="dim")
    text.append(visible(role.mfa_serial or "not required"), style="bold" if role.mfa_serial else "")
    extras = []
    if role.session_tags:
        extras.append("tags " + "  ".join(f"{k}={v}" for k, v in role.session_tags.items()))
        if role.transitive_tag_keys:
            extras.append(f"transitive {', '.join(role.transitive_tag_keys)}")
    if role.source_identity:
        extras.append(f"source identity {role.source_identity}")
    if extras:
        line("Session", " · ".join(extras))
    line(
        "Last used", f"{last_used:%Y-%m-%d %H:%M} UTC, {uses} time{'s' if uses != 1 else ''}" if last_used else "never"
    )
    return text


class DetailPane(BoxedText):
    """Shows `describe_role` of the highlighted role (the app calls `show_role`)."""

    lines = 1  # lines of the text shown
    _shown: Text | None = None

    def show_role(
        self,
        role: Role | None,
        *,
        defaults: Defaults,
        find: Callable[[str], Role | None],
        state: RowState | None,
        last_used: datetime | None = None,
        uses: int = 0,
        favorite: bool = False,
        asks: bool | None = None,
        console: str | None = None,
    ) -> None:
        if role is None:
            self.lines = 1
            self._show(Text("no role highlighted", style="dim"))
            return
        # The text alone never changes the pane's size (a layout pass redraws the whole screen): the app grows
        # the pane into the list's empty rows when the text needs more lines (`wanted_growth`).
        text = describe_role(
            role,
            defaults=defaults,
            find=find,
            state=state,
            last_used=last_used,
            uses=uses,
            favorite=favorite,
            asks=asks,
            console=console,
        )
        self.lines = len(text.plain.split("\n"))
        self._show(text)

    def _show(self, text: Text) -> None:
        # The same text again (the details follow every refill and every cursor move, often to the same role):
        # no update, so no frame of its own.
        if text == self._shown:
            return
        self._shown = text
        self.update_text(text)  # the border stays as it is drawn (BoxedText)

    def wanted_growth(self, grown: int, spare_rows: int) -> int:
        """How many lines the pane should be taller than its usual height: enough for every line of its text, as
        far as the list's empty rows (`spare_rows`, negative when it has more rows than lines) allow; `grown` is
        how much taller it is now."""
        usual = self.content_region.height - grown
        return max(min(self.lines - usual, grown + spare_rows), 0)
