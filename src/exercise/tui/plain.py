"""Text from scenarios, journals and people, as Textual content that is never markup."""

from __future__ import annotations

from rich.text import Text
from textual.app import App
from textual.content import Content
from textual.notifications import SeverityLevel

from exercise.plain import visible


def plain(text: object, *, one_line: bool = False) -> Content:
    """For Label, Static, Option and Select prompts: shown as it is, ``[@click=...]`` and all."""
    return Content(visible(text, one_line=one_line))


def rich_plain(text: object, style: str = "", *, one_line: bool = True) -> Text:
    """For DataTable cells and other Rich renderables."""
    return Text(visible(text, one_line=one_line), style=style)


# The bands as the facilitator console shows them (app.tcss's band-* classes), for Rich text in tables.
_BAND_STYLE = {"green": "green", "amber": "yellow", "red": "bold red"}


def band_text(band: str | None) -> Text:
    """A band word in its colour, for team screens and the room (no colour without a band)."""
    return Text(band or "", style=_BAND_STYLE.get(band or "", ""))


class PlainApp(App):
    """Every app of ours: its notifications are plain text, whatever the caller passes. They quote scenario
    text, journal text and what other people typed (a player's name, a host's refusal), and a toast taken
    as markup runs ``[@click=...]`` actions or crashes on an unbalanced ``[/]``."""

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        super().notify(visible(message), title=visible(title), severity=severity, timeout=timeout, markup=False)
