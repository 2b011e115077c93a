"""The role list: a virtualised table on Textual's line API, fast with 30,000 rows.

DataTable and OptionList measure or build every row up front (seconds for 30,000 rows, and a whole-widget
invalidation per cell update); this widget keeps only the filtered result, a list of indexes into the roles, and
draws the rows the viewport shows when Textual asks for them (`render_line`). Countdowns are drawn from the
absolute expiry at that moment, so refreshing a row is all a tick needs. Line 0 is a fixed column header.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import ClassVar, NamedTuple

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.color import Color
from textual.filter import LineFilter
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.strip import Strip

from roleui.core.clock import Clock
from roleui.core.models import Role
from roleui.core.world.filtering import RoleFilter, parse_query
from roleui.core.world.role_table import A_ID, A_NAME, A_OU_PATH, A_TAGS
from roleui.ui.cells import LineBuilder, fit_cells
from roleui.ui.state import RowState, describe
from roleui.ui.widgets.kept_lines import KeptLines
from roleui.ui.widgets.thumb_scrollbar import ThumbScrollBar

GAP = 2
GAP_TEXT = " " * GAP
ID_WIDTH = 12
SESSION_WIDTH = 11
MARK_WIDTH = 2
MAX_ACCOUNT = 30
MAX_ROLE = 34
MIN_TEXT = 6
RIGHT_MARGIN = 1
KEEP_ID_ROLE = 20  # narrowest role and account columns that still leave room for the id column
KEEP_ID_ACCOUNT = 14


# The session column's styles (ui/state.py `describe`).
STATE_STYLES = ("assuming", "failed", "ok", "warning", "critical", "expired")


class _RowStyles(NamedTuple):
    """The styles one row is drawn with."""

    base: Style
    dim: Style
    match: Style
    favorite: Style
    states: dict[str, Style]


class Columns(NamedTuple):
    """Widths of the columns for one widget width (mark, account, id, role, where, session)."""

    account: int
    id: int
    role: int
    where: int
    session: int


def layout(width: int, account_max: int, role_max: int) -> Columns:
    """Fit the columns in `width` cells: fixed id and session, account and role as wide as their longest value
    (capped), the rest to OU path and tags; on narrow screens the id and tags go first."""
    account = max(min(account_max, MAX_ACCOUNT), 7)
    role = max(min(role_max, MAX_ROLE), 4)
    ident = ID_WIDTH
    # RIGHT_MARGIN: the countdowns end one cell before the scrollbar (`59m 04s▄` reads as part of the time).
    rest = width - MARK_WIDTH - account - role - SESSION_WIDTH - 4 * GAP - ident - RIGHT_MARGIN
    if rest < MIN_TEXT:
        # The id column stays (it is what tells two accounts of one name apart, and what a filter by id shows)
        # while long role and account names can give way, down to a readable width.
        short = MIN_TEXT - rest
        role_cut = min(short, max(role - KEEP_ID_ROLE, 0))
        account_cut = min(short - role_cut, max(account - KEEP_ID_ACCOUNT, 0))
        if role_cut + account_cut == short:
            role, account, rest = role - role_cut, account - account_cut, MIN_TEXT
        else:
            rest += ident + GAP
            ident = 0
    if rest < 0:
        shrink = -rest
        account_cut = min(shrink // 2 + shrink % 2, account - MIN_TEXT)
        role_cut = min(shrink - account_cut, role - MIN_TEXT)
        account, role, rest = account - account_cut, role - role_cut, 0
    return Columns(account=account, id=ident, role=role, where=max(rest, 0), session=SESSION_WIDTH)


def where_text(ou_path: str | None, tags: Mapping[str, str]) -> tuple[str, dict[str, int]]:
    """An account's OU path and tags as one string, and where each field starts in it."""
    parts: list[str] = []
    offsets: dict[str, int] = {}
    at = 0
    if ou_path:
        offsets["ou"] = 0
        parts.append(ou_path)
        at = len(ou_path) + 2
    for key, value in tags.items():
        offsets[f"tag:{key}"] = at + len(key) + 1
        parts.append(f"{key}={value}")
        at += len(key) + len(value) + 3
    return "  ".join(parts), offsets


class RoleList(KeptLines, ScrollView, can_focus=True, inherit_bindings=False):
    """The filtered roles, one row each; the cursor row is the highlighted role."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "role-list--header",
        "role-list--cursor",
        "role-list--match",
        "role-list--favorite",
        "role-list--dim",
        "role-list--empty",
        "role-list--assuming",
        "role-list--failed",
        "role-list--ok",
        "role-list--warning",
        "role-list--critical",
        "role-list--expired",
    }

    # The scrollbar is always there (an empty track when every row fits): one that comes and goes with the number
    # of rows changes the rows' width, and that is a layout pass, a redraw of the whole screen (15-20 ms) on the
    # keystroke that crosses the screen's height.
    DEFAULT_CSS = """
    RoleList {
        overflow-x: hidden;
        overflow-y: scroll;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor_up", "Up", show=False),
        Binding("down,j", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
    ]

    class Highlighted(Message):
        """The cursor moved to another role (`index` into the roles), or the list became empty (None)."""

        def __init__(self, index: int | None) -> None:
            super().__init__()
            self.index = index

    class Chosen(Message):
        """A row was double-clicked: assume its role."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(
        self,
        roles: RoleFilter,
        *,
        state_of: Callable[[str], RowState | None],
        is_favorite: Callable[[str], bool],
        clock: Clock,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._filter = roles
        self._state_of = state_of
        self._is_favorite = is_favorite
        self._clock = clock
        self.rows: Sequence[int] = range(len(roles))
        self.cursor = 0
        self.query_text = ""
        self._tokens = parse_query("")
        self._highlights: dict[int, dict[str, list[int]]] = {}
        self._account_max = 0
        self._role_max = 0
        self._columns: Columns | None = None
        self._columns_width = 0
        self._base: Style | None = None  # self.rich_style walks the DOM on every call: kept until styles change
        self._row_styles: list[_RowStyles | None] = [None, None]  # [other rows, the cursor's row]
        self._filters_for: tuple[tuple[LineFilter, ...], Color] | None = None  # see `_changing_filters`
        self._filters_changing: list[LineFilter] = []
        self._measure()

    # -- data ---------------------------------------------------------------------------------------------------

    def _measure(self) -> None:
        # From the table's columns (~1 ms for 30,000 roles); the widths then stay put while filtering.
        roles = self._filter.roles
        self._account_max, self._role_max = roles.widest_names() if len(roles) else (7, 4)
        self._columns = None

    def set_filter(self, roles: RoleFilter) -> None:
        """A new catalog (an organization refresh landed): rows are set again by the caller."""
        self._filter = roles
        self._measure()

    @property
    def roles(self) -> Sequence[Role]:
        return self._filter.roles

    @property
    def highlighted(self) -> int | None:
        """Index (into the roles) of the role under the cursor; None when nothing matches."""
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    @property
    def highlighted_role(self) -> Role | None:
        index = self.highlighted
        return None if index is None else self._filter.roles[index]

    def set_rows(self, rows: Sequence[int], query: str, keep: int | None = None) -> None:
        """Show `rows` (indexes, best first) for `query`; the cursor stays on role `keep` if it is still shown."""
        before = self.highlighted
        on_screen = self.cursor - round(self.scroll_y)  # the cursor's line, kept when the role is kept
        self.rows = rows
        self.query_text = query
        self._tokens = parse_query(query)
        self._highlights.clear()
        cursor = 0
        if keep is not None:
            # Esc and an organization refresh keep the role; a list search is ~1 ms for 30,000 rows.
            try:
                cursor = rows.index(keep)
            except ValueError:
                cursor = 0
        self.cursor = cursor
        self._set_virtual_height(len(rows) + 1)
        if cursor == 0:
            self.scroll_to(y=0, animate=False)
        else:
            # The role stays on the line it was on (rows around it may change), as far as the list allows.
            self.scroll_to(y=max(cursor - max(min(on_screen, self._page - 1), 0), 0), animate=False, immediate=True)
            self._scroll_to_cursor()
        self.refresh()
        if self.highlighted != before or keep is None:
            self.post_message(self.Highlighted(self.highlighted))

    def _set_virtual_height(self, height: int) -> None:
        """Resize the scrollable area. Setting `virtual_size` asks for a layout pass, which redraws the whole screen;
        the list's width never depends on its rows (the scrollbar is always shown), so updating the scrollbar is
        enough."""
        new = Size(self.size.width, height)
        if new == self.virtual_size:
            return
        if self.is_mounted and self.container_size.height:
            self.set_reactive(RoleList.virtual_size, new)
            self._scroll_update(new)
        else:
            self.virtual_size = new

    # -- cursor ---------------------------------------------------------------------------------------------------

    @property
    def _page(self) -> int:
        return max(self.size.height - 1, 1)

    def move_cursor(self, row: int) -> None:
        if not self.rows:
            return
        row = max(0, min(row, len(self.rows) - 1))
        if row == self.cursor:
            return
        old = self.cursor
        self.cursor = row
        self.refresh_line(old + 1)
        self.refresh_line(row + 1)
        self._scroll_to_cursor()
        self.post_message(self.Highlighted(self.highlighted))

    def _scroll_to_cursor(self) -> None:
        top = round(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor > top + self._page - 1:
            self.scroll_to(y=self.cursor - self._page + 1, animate=False)

    def action_cursor_up(self) -> None:
        self.move_cursor(self.cursor - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(self.cursor + 1)

    def action_page_up(self) -> None:
        self.move_cursor(self.cursor - self._page)

    def action_page_down(self) -> None:
        self.move_cursor(self.cursor + self._page)

    def action_first(self) -> None:
        self.move_cursor(0)

    def action_last(self) -> None:
        self.move_cursor(len(self.rows) - 1)

    def visible_rows(self) -> range:
        top = round(self.scroll_y)
        return range(top, min(top + self._page, len(self.rows)))

    def refresh_role(self, index: int) -> None:
        """Redraw the row of role `index` if it is on screen."""
        for row in self.visible_rows():
            if self.rows[row] == index:
                self.refresh_line(row + 1)

    def refresh_countdowns(self, has_session: Callable[[int], bool]) -> int:
        """Redraw the visible rows whose role has a session (the 1 Hz tick); returns how many."""
        count = 0
        for row in self.visible_rows():
            if has_session(self.rows[row]):
                self.refresh_line(row + 1)
                count += 1
        return count

    # -- events ---------------------------------------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        self._columns = None
        self.virtual_size = Size(event.size.width, len(self.rows) + 1)
        self._scroll_to_cursor()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:
            return
        row = round(self.scroll_y) + offset.y - 1
        if row < len(self.rows):
            self.move_cursor(row)
            if event.chain == 2:
                self.post_message(self.Chosen(self.rows[row]))

    # -- drawing --------------------------------------------------------------------------------------------------

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        """Textual's own (`Widget.vertical_scrollbar`), made as a ThumbScrollBar: the number of rows changes on
        nearly every keystroke, the bar it draws rarely (roleui/ui/widgets/thumb_scrollbar.py)."""
        if self._vertical_scrollbar is None:
            bar = self._vertical_scrollbar = ThumbScrollBar(
                vertical=True, name="vertical", thickness=self.scrollbar_size_vertical
            )
            bar.display = False
            self.app._start_widget(self, bar)
        return self._vertical_scrollbar

    def _scroll_update(self, virtual_size: Size) -> None:
        bar = self.vertical_scrollbar
        assert isinstance(bar, ThumbScrollBar)
        with bar.size_update():
            super()._scroll_update(virtual_size)

    def notify_style_update(self) -> None:
        self._base = None
        self._row_styles = [None, None]
        self._filters_for = None
        super().notify_style_update()

    @property
    def base_style(self) -> Style:
        if self._base is None:
            self._base = self.rich_style
        return self._base

    def _layout(self, width: int) -> Columns:
        # Kept per width: the vertical scrollbar comes and goes with the number of rows, without a resize event.
        if self._columns is None or self._columns_width != width:
            self._columns = layout(width, self._account_max, self._role_max)
            self._columns_width = width
        return self._columns

    def render_lines(self, crop: Region) -> list[Strip]:
        """The lines of `crop` (widget coordinates), drawn straight from `render_line`.

        Textual's generic path (its styles cache) draws borders, padding, tint and opacity around a widget's lines
        and builds each line again on the way: a third of the list's share of a keystroke's frame, for a widget
        that has none of them. The list keeps that path's line cache and its dirty lines (Textual marks them on
        every refresh), so a line is drawn again only when something refreshed it. A style with any decoration
        takes the generic path (`_undecorated`); a test checks both paths give the same strips.
        """
        unchanged = self.unchanged_lines(crop)  # see KeptLines
        if unchanged is not None:
            return unchanged
        if not self._undecorated():
            return super().render_lines(crop)
        cache = self._styles_cache
        width = self.size.width
        if width != cache._width:
            cache.clear()
            cache._width = width
        drawn, dirty = cache._cache, cache._dirty_lines
        # The rows are laid out in the width left of the scrollbar, and padded under it (it is drawn over them).
        content_width = self.scrollable_content_region.width  # a walk over the layout: once, not per line
        strips = []
        for y in crop.line_range:
            strip = None if y in dirty else drawn.get(y)
            if strip is None:
                strip = drawn[y] = self._line(y, content_width, width)
            strips.append(strip)
        dirty.difference_update(crop.line_range)
        background = self.background_colors[1]
        for line_filter in self._changing_filters(background):
            strips = [strip.apply_filter(line_filter, background) for strip in strips]
        x1, x2 = crop.column_span
        if (x1, x2) != (0, width):
            strips = [strip.crop(x1, x2) for strip in strips]
        self.keep_lines(crop, strips)
        return strips

    def _changing_filters(self, background: Color) -> list[LineFilter]:
        """The app's line filters that change what the list draws. Textual converts every line of every frame
        to true color (a new strip per line, ~0.5 ms of a keystroke's frame for the list); the list draws in its
        theme's colors, which are true color already, so in a color terminal that is none of them. Found by
        filtering one segment of each style the list draws with, again when the styles or filters change."""
        filters = self.get_line_filters()
        key = (tuple(filters), background)
        if self._filters_for != key:
            styles = [self._header_style(), self._empty_style()]
            for cursor in (False, True):
                row = self._styles(cursor)
                styles += [row.base, row.dim, row.match, row.favorite, *row.states.values()]
            probe = [Segment("x", style) for style in styles]
            self._filters_for = key
            self._filters_changing = [f for f in filters if [s.style for s in f.apply(probe, background)] != styles]
        return self._filters_changing

    def _undecorated(self) -> bool:
        styles = self.styles
        return (
            not any(styles.gutter)
            and not any(edge for edge, _ in styles.outline)
            and self.opacity == 1.0
            and styles.text_opacity == 1.0
            and not styles.tint.a
            and not (styles.has_rule("hatch") and styles.hatch != "none")
        )

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        return self._line(y, width, width)

    def _line(self, y: int, width: int, padded: int) -> Strip:
        """Line `y` laid out in `width` cells and `padded` wide."""
        base = self.base_style
        row = round(self.scroll_y) + y - 1
        if y > 0 and row < len(self.rows):
            return self._row(row, width, padded)
        if y == 0:
            strip = self._header(width)
        elif row == 0:
            strip = self._empty_line(width)
        else:
            return Strip.blank(padded, base)
        return strip.extend_cell_length(padded, base)

    def _header_style(self) -> Style:
        return self.get_component_rich_style("role-list--header")

    def _empty_style(self) -> Style:
        return self.get_component_rich_style("role-list--empty")

    def _header(self, width: int) -> Strip:
        style = self._header_style()
        cols = self._layout(width)
        total = len(self.rows)
        count = f"{total:,}" if total == len(self._filter) else f"{total:,}/{len(self._filter):,}"
        segments = fit_cells("", MARK_WIDTH, style, None)
        segments += fit_cells("ACCOUNT", cols.account + GAP, style, None)
        if cols.id:
            segments += fit_cells("ID", cols.id + GAP, style, None)
        segments += fit_cells("ROLE", cols.role + GAP, style, None)
        # The count must show whole: without the column's name when the column is narrow, over the session
        # column's blank left part when it is narrower still.
        counted = f"({count} roles)"
        for title in (f"OU · TAGS  {counted}", counted):
            if len(title) <= cols.where + GAP - 1:
                segments += fit_cells(title, cols.where + GAP, style, None)
                segments += fit_cells("SESSION".rjust(cols.session), cols.session, style, None)
                break
        else:
            # Narrower still (30,000 roles at 80 columns): the count gets shorter, SESSION stays whole.
            both = cols.where + GAP + cols.session
            shown = next(c for c in (counted, f"({count})", count, "") if len(c) + len(" SESSION") <= both)
            segments += fit_cells(shown.ljust(both - len(" SESSION")) + " SESSION", both, style, None)
        return Strip(segments).adjust_cell_length(width, style)

    def _empty_line(self, width: int) -> Strip:
        style = self._empty_style()
        if len(self._filter) == 0:
            text = "  no roles: `roleui init` writes a catalog (`roleui init --example`: the format), or add role profiles to ~/.aws/config"
        else:
            text = f"  no role matches {self.query_text.strip()!r} — edit the filter; Esc in the list clears it"
        return Strip(fit_cells(text, width, style, None))

    def _styles(self, cursor: bool) -> _RowStyles:
        """The styles of a row (the cursor's or another), kept until the styles change: a row is drawn ~40 times a
        keystroke, and asking Textual for each component style costs more than drawing the text."""
        kept = self._row_styles[cursor]
        if kept is not None:
            return kept
        base = self.get_component_rich_style("role-list--cursor") if cursor else self.base_style
        # Muted colors are translucent: the full (not partial) component style blends them with the background.
        dim = base if cursor else self.get_component_rich_style("role-list--dim")
        states = {
            name: base + self.get_component_rich_style(f"role-list--{name}", partial=True, default=Style())
            for name in STATE_STYLES
        }
        styles = _RowStyles(
            base=base,
            dim=dim,
            match=base + self.get_component_rich_style("role-list--match", partial=True),
            favorite=base + self.get_component_rich_style("role-list--favorite", partial=True),
            states=states,
        )
        self._row_styles[cursor] = styles
        return styles

    def _row(self, row: int, width: int, padded: int) -> Strip:
        # From the table's columns: drawing a row never builds a Role (30,000 of them would be 19 MB, and garbage
        # collections walking them show as hitches while typing).
        index = self.rows[row]
        table = self._filter.roles
        account = table.account_row(table.account_of[index])
        key = table.key(index)
        styles = self._styles(row == self.cursor)
        base, match = styles.base, styles.match
        marks = self._highlights.get(index)
        if marks is None:
            marks = self._highlights[index] = self._filter.highlights(index, self.query_text) if self._tokens else {}
        cols = self._layout(width)
        line = LineBuilder()
        if self._is_favorite(key):
            line.fit("★", MARK_WIDTH, styles.favorite)
        else:
            line.add(" " * MARK_WIDTH, base)
        line.fit(account[A_NAME], cols.account, base, match, marks.get("account", ()))
        line.add(GAP_TEXT, base)
        if cols.id:
            line.fit(account[A_ID], cols.id, styles.dim, match, marks.get("id", ()))
            line.add(GAP_TEXT, base)
        line.fit(table.role_name(index), cols.role, base, match, marks.get("role", ()))
        line.add(GAP_TEXT, base)
        text, offsets = where_text(account[A_OU_PATH], account[A_TAGS])
        positions: list[int] = []
        for label, at in offsets.items():
            positions += [at + p for p in marks.get(label, ())]
        line.fit(text, cols.where, styles.dim, match, sorted(positions))
        line.add(GAP_TEXT, base)
        state_text, state_style = describe(self._state_of(key), self._clock())
        line.fit(state_text.rjust(cols.session), cols.session, styles.states.get(state_style, base))
        return line.strip(padded, base)
