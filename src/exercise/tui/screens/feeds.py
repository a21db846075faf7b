"""The platforms a team follows: each background feed's volume over the last hours and its latest posts.

Drawn only from what the host sent this seat (``State.feeds``), so a team sees the crowd around a
narrative as late as it reads the indicator behind it. The screen redraws with every state update.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from exercise.scenario.channels import SocialPost, counted, render
from exercise.scenario.feeds import FeedReading
from exercise.session.timeline import clock
from exercise.tui.plain import plain

BARS = "▁▂▃▄▅▆▇█"


def sparkline(values: list[int]) -> str:
    """One bar per hour, scaled to the highest hour shown (all low bars when nothing is posted)."""
    top = max(values, default=0)
    if top <= 0:
        return BARS[0] * len(values)
    return "".join(BARS[min(len(BARS) - 1, int(v / top * (len(BARS) - 1) + 0.5))] for v in values)


def trend(hourly: list[int]) -> str:
    if len(hourly) < 2 or hourly[-2] == hourly[-1]:
        return "steady"
    change = (hourly[-1] - hourly[-2]) / max(1, hourly[-2])
    if abs(change) < 0.02:
        return "steady"
    return "rising" if change > 0 else "falling"


def feed_text(feeds: list[FeedReading], width: int) -> str:
    """Every feed as text: a header with the volume now, the last hours as bars, then the posts, newest first."""
    if not feeds:
        return ("No platform feed reaches your team: either the scenario has none, or your team does not yet "
                "read the indicator it follows.\n\nEsc closes.")
    parts = ["The platforms your team follows (Esc closes)\n"]
    for f in feeds:
        parts.append(f"{f.platform} · {f.topic}: {counted(f.volume)} posts an hour, {trend(f.hourly)}\n"
                     f"{sparkline(f.hourly)}  the last {len(f.hourly)} hours\n")
        if not f.posts:
            parts.append("(no post shown yet)\n")
        for p in f.posts:
            post = SocialPost(kind="social", platform=f.platform, author=p.author, handle=p.handle, text=p.text,
                              media=p.media)
            parts.append(f"{clock(p.t)}\n{render(post, {}, width=width)}\n")
    return "\n".join(parts)


class FeedScreen(ModalScreen[None]):
    """The platforms this team follows (f in the team console)."""

    BINDINGS = [Binding("escape", "close", "Back"), Binding("f", "close", "Back", show=False)]

    def __init__(self, feeds: list[FeedReading]) -> None:
        super().__init__(classes="dialog")
        self.feeds = feeds

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(id="feeds")

    def on_mount(self) -> None:
        self.show(self.feeds)

    def on_resize(self) -> None:
        self.show(self.feeds)

    def show(self, feeds: list[FeedReading]) -> None:
        self.feeds = feeds
        width = max(20, min(72, self.size.width - 12))
        self.query_one("#feeds", Static).update(plain(feed_text(feeds, width)))

    def action_close(self) -> None:
        self.dismiss(None)
