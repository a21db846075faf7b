"""The inject feed: newest first, coloured by severity, unread marked.

A virtual list: it holds the items and draws only the lines on screen, so a tick
that delivers one inject adds one item, and marking one read redraws one line,
however many injects a long exercise has delivered (an OptionList rebuilds and
measures every option when one changes).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from exercise.plain import visible
from exercise.session.timeline import clock

SEVERITY_STYLE = {
    "info": "dim", "low": "green", "medium": "yellow", "high": "bold dark_orange", "critical": "bold red",
}


@dataclass(frozen=True)
class FeedItem:
    key: str  # the event seq: unique even for injects without an id
    t: float
    inject: str | None
    title: str
    severity: str
    to: tuple[str, ...]
    cause: str
    body: str = ""


class Feed(ScrollView, can_focus=True):
    """Delivered injects, newest on top; the highlighted one is shown in the detail pane."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "cursor_down", "Down", show=False),
        Binding("up", "cursor_up", "Up", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
        Binding("pagedown", "page_down", "Page Down", show=False),
        Binding("pageup", "page_up", "Page Up", show=False),
    ]

    # The look of Textual's OptionList, which this feed replaced.
    DEFAULT_CSS = """
    Feed {
        color: $foreground;
        overflow-x: hidden;
        padding: 0 1;
        background: $surface;
        & > .feed--highlighted {
            color: $foreground;
            background: $block-cursor-blurred-background;
        }
        &:focus {
            background-tint: $foreground 5%;
            & > .feed--highlighted {
                color: $block-cursor-foreground;
                background: $block-cursor-background;
                text-style: $block-cursor-text-style;
            }
        }
    }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"feed--item", "feed--highlighted"}

    highlighted: reactive[int | None] = reactive(None)  # a row, counted from the top (the newest)

    class Highlighted(Message):
        """The highlighted inject changed."""

        def __init__(self, feed: Feed, key: str) -> None:
            super().__init__()
            self.feed = feed
            self.key = key

        @property
        def control(self) -> Feed:
            return self.feed

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self._items: list[FeedItem] = []  # oldest first: a new inject is an append
        self._row_of: dict[str, int] = {}  # key -> index in _items
        self._unread: Collection[str] = frozenset()
        self._announced: str | None = None

    # --- contents -----------------------------------------------------------------------------

    @property
    def option_count(self) -> int:
        return len(self._items)

    def item_at(self, row: int) -> FeedItem:
        return self._items[len(self._items) - 1 - row]

    def get(self, key: str | None) -> FeedItem | None:
        index = self._row_of.get(key) if key is not None else None
        return None if index is None else self._items[index]

    def row_of(self, key: str) -> int | None:
        index = self._row_of.get(key)
        return None if index is None else len(self._items) - 1 - index

    @property
    def highlighted_key(self) -> str | None:
        return None if self.highlighted is None else self.item_at(self.highlighted).key

    def show(self, items: list[FeedItem], unread: Collection[str]) -> None:
        """Show ``items`` (oldest first) with the ``unread`` ones marked, keeping the highlighted
        item highlighted if it is still there.

        When ``items`` extends what is shown, only the new ones are added; anything else
        (an undo that rebuilt the world, another team's view) replaces the list.
        """
        self._unread = unread
        kept = self.highlighted_key
        shown = len(self._items)
        extends = len(items) >= shown and (shown == 0 or (items[0].key == self._items[0].key
                                                           and items[shown - 1].key == self._items[-1].key))
        if not extends:
            self._items, self._row_of = [], {}
        for item in items[len(self._items):]:
            self._row_of[item.key] = len(self._items)
            self._items.append(item)
        self.virtual_size = Size(self.scrollable_content_region.width, len(self._items))
        self._title()
        row = self.row_of(kept) if kept is not None else None
        self.highlighted = row if row is not None else (0 if self._items else None)
        self.refresh()
        self._announce()

    def mark(self, key: str) -> None:
        """One item's unread mark changed: redraw its line, if it is on screen."""
        row = self.row_of(key)
        if row is not None:
            self.refresh(Region(0, row - self.scroll_offset.y, self.size.width, 1))
        self._title()

    def _title(self) -> None:
        fresh = sum(1 for key in self._unread if key in self._row_of)
        count = len(self._items)
        self.border_title = f"Injects ({count}, {fresh} unread)" if fresh else f"Injects ({count})"

    def prompt(self, key: str) -> Text:
        """The line an item is drawn as (without the highlight)."""
        item = self._items[self._row_of[key]]
        text = Text(no_wrap=True, overflow="ellipsis")
        # The title first after the time: at 80 columns the id, last, is what gets cut.
        text.append("● " if item.key in self._unread else "  ", style="bold cyan")
        text.append(f"{clock(item.t).removeprefix('T+')} ", style="dim")
        text.append(visible(item.title, one_line=True), style=SEVERITY_STYLE.get(item.severity, ""))
        text.append(f"  {visible(item.inject or '', one_line=True)}", style="dim")
        return text

    # --- drawing ------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        row = self.scroll_offset.y + y
        if row >= len(self._items):
            return Strip.blank(width, self.get_visual_style("feed--item").rich_style)
        component = "feed--highlighted" if row == self.highlighted else "feed--item"
        style = self.get_visual_style(component).rich_style
        text = self.prompt(self.item_at(row).key)
        text.truncate(width, overflow="ellipsis", pad=True)
        strip = Strip(text.render(self.app.console), text.cell_len)
        return strip.apply_style(style).apply_meta({"row": row})

    # --- moving -------------------------------------------------------------------------------

    def validate_highlighted(self, highlighted: int | None) -> int | None:
        if highlighted is None or not self._items:
            return None
        return max(0, min(highlighted, len(self._items) - 1))

    def watch_highlighted(self, new: int | None) -> None:
        if new is not None:
            self._follow(new)
        self.refresh()
        self._announce()

    def _announce(self) -> None:
        """Tell the screen when a different item is highlighted (not when the same one moved down)."""
        key = self.highlighted_key
        if key is not None and key != self._announced:
            self._announced = key
            self.post_message(self.Highlighted(self, key))

    def _follow(self, row: int) -> None:
        if self.is_mounted:
            self.scroll_to_region(Region(0, row, 1, 1), animate=False, force=True, immediate=True)

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, len(self._items))

    def on_click(self, event: events.Click) -> None:
        row = event.style.meta.get("row")
        if row is not None:
            self.highlighted = row

    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def action_cursor_down(self) -> None:
        self.highlighted = 0 if self.highlighted is None else self.highlighted + 1

    def action_cursor_up(self) -> None:
        self.highlighted = 0 if self.highlighted is None else self.highlighted - 1

    def action_first(self) -> None:
        self.highlighted = 0

    def action_last(self) -> None:
        self.highlighted = len(self._items) - 1

    def action_page_down(self) -> None:
        self.highlighted = (self.highlighted or 0) + self._page()

    def action_page_up(self) -> None:
        self.highlighted = (self.highlighted or 0) - self._page()
