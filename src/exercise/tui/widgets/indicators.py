"""Indicators: value, band and a sparkline of the last hours."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Label, Sparkline

from exercise.engine.indicators import band_of
from exercise.session.live import Session
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
        world = session.world
        now = world.now
        start = max(0.0, now - WINDOW)
        for row in self.query(IndicatorRow):
            state = world.indicators[row.ident]
            seen_by = state.spec.visible_to
            row.display = team is None or seen_by is None or team in seen_by
            if not row.display:
                continue
            value = state.at(now)
            band = band_of(state.spec, value) or "none"
            label = row.query_one(".ind-value", Label)
            label.update(f"{value:5.2f} {band if band != 'none' else ''}")
            label.set_classes(f"ind-value band-{band}")
            step = (now - start) / (POINTS - 1) if now > start else 0
            spark = row.query_one(Sparkline)
            spark.data = [state.at(start + i * step) for i in range(POINTS)] if step else [value]
