"""Indicators: value, band and a sparkline of the last hours."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Label, Sparkline

from exercise.session.live import Session
from exercise.session.views import FACILITATOR, indicator_readings
from exercise.session.views import team as for_team
from exercise.tui.plain import plain

WINDOW = 12 * 60  # minutes of history in each sparkline
POINTS = 24


class IndicatorRow(Horizontal):
    def __init__(self, ident: str, name: str) -> None:
        super().__init__(id=f"ind-{ident}", classes="indicator")
        self.ident, self.label = ident, name

    def compose(self) -> ComposeResult:
        yield Label(plain(self.label, one_line=True), classes="ind-name")
        yield Label("", classes="ind-value")
        yield Sparkline([], classes="ind-spark")


class IndicatorPanel(VerticalScroll):
    def __init__(self, session: Session, **kwargs) -> None:  # noqa: ANN003
        super().__init__(**kwargs)
        self.session = session

    def on_mount(self) -> None:
        self.border_title = "Indicators"

    def compose(self) -> ComposeResult:
        for spec in self.session.loaded.scenario.indicators:
            yield IndicatorRow(spec.id, spec.name)

    def refresh_from(self, session: Session, team: str | None = None) -> None:
        """Every indicator for the facilitator; with ``team``, only those that team may see."""
        audience = FACILITATOR if team is None else for_team(team)
        shown = {r.id: r for r in indicator_readings(session, audience, window=WINDOW, points=POINTS)}
        for row in self.query(IndicatorRow):
            reading = shown.get(row.ident)
            row.display = reading is not None
            if reading is None:
                continue
            band = reading.band or "none"
            label = row.query_one(".ind-value", Label)
            label.update(f"{reading.value:5.2f} {band if band != 'none' else ''}")
            label.set_classes(f"ind-value band-{band}")
            row.query_one(Sparkline).data = reading.series
