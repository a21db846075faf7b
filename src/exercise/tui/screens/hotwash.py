"""Hot wash: the facilitator rates each objective P/S/M/U, with a comment.

Every objective fits on one 80x24 screen: three lines each (objective, the
simulator's verdict, the rating in words and a comment). Keys p/s/m/u rate
the objective that has focus; up and down move between objectives.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Input, Label

from exercise.scenario.models import Objective
from exercise.session.commands import RATINGS, Rating, RatingCode
from exercise.report import sections
from exercise.report.facts import facts
from exercise.session.live import Session
from exercise.session.timeline import verdict
from exercise.tui.plain import plain

if TYPE_CHECKING:
    from exercise.tui.console_api import ConsoleApp


class ObjectiveRating(Vertical, can_focus=True):
    BINDINGS = [
        Binding("p", "rate('P')", "P"), Binding("s", "rate('S')", "S"),
        Binding("m", "rate('M')", "M"), Binding("u", "rate('U')", "U"),
        Binding("down", "move(1)", "Next", show=False), Binding("up", "move(-1)", "Previous", show=False),
    ]

    def __init__(self, objective: Objective, verdict: str, current: Rating | None) -> None:
        super().__init__(classes="rating", id=f"rate-{objective.id}")
        self.objective, self.verdict = objective, verdict
        self.rating: RatingCode | None = current.rating if current else None
        self.comment = current.comment if current else ""

    def compose(self) -> ComposeResult:
        o = self.objective
        yield Label(plain(f"{o.id} · {o.text}", one_line=True), classes="title")
        yield Label(plain(f"{o.capability} · simulator: {self.verdict}", one_line=True), classes="detail")
        with Horizontal():
            yield Label(self._chosen(), classes="chosen", id=f"chosen-{o.id}")
            yield Input(value=self.comment, placeholder="comment (optional)", id=f"comment-{o.id}")

    def _chosen(self) -> str:
        if self.rating is None:
            return "rating: none yet (p/s/m/u)"
        return f"rating: {self.rating} {RATINGS[self.rating]}"

    def action_move(self, step: int) -> None:
        """Up and down go from objective to objective; tab reaches the comment in between."""
        rows = list(self.screen.query(ObjectiveRating))
        rows[max(0, min(len(rows) - 1, rows.index(self) + step))].focus()

    def action_rate(self, code: RatingCode) -> None:
        self.rating = code
        self.query_one(f"#chosen-{self.objective.id}", Label).update(self._chosen())


class HotwashScreen(Screen):
    BINDINGS = [Binding("ctrl+s", "save", "Save ratings"), Binding("escape", "back", "Back")]
    AUTO_FOCUS = ".rating"  # the first objective

    def __init__(self, session: Session) -> None:
        super().__init__(id="hotwash")
        self.session = session

    def compose(self) -> ComposeResult:
        # The report's own objectives section: the verdict reads as the report will print it.
        judged = {o["id"]: o["simulator"] for o in sections.objectives(facts(self.session))}
        yield Label(" Hot wash: p/s/m/u rate the highlighted objective, tab to its comment, ctrl+s saves",
                    classes="title")
        with VerticalScroll():
            for o in self.session.loaded.scenario.objectives:
                v = judged[o.id]
                yield ObjectiveRating(o, f"{verdict(v['met'])} ({v['detail']})", self.session.ratings.get(o.id))
        yield Footer()

    def action_save(self) -> None:
        saved = 0
        for row in self.query(ObjectiveRating):
            if row.rating is None:
                continue
            oid = row.objective.id
            comment = self.query_one(f"#comment-{oid}", Input).value.strip()
            current = self.session.ratings.get(oid)
            if current is None or (current.rating, current.comment) != (row.rating, comment):
                if not cast("ConsoleApp", self.app).submit(Rating(objective=oid, rating=row.rating, comment=comment)):
                    return  # stay on the screen: nothing after this rating was saved
            saved += 1
        self.notify(f"{saved} of {len(self.session.loaded.scenario.objectives)} objectives rated; saved in the journal")
        self.dismiss(saved)

    def action_back(self) -> None:
        self.dismiss(None)
