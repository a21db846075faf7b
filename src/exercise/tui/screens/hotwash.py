"""Hot wash: the facilitator rates each objective P/S/M/U, with a comment."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, RadioButton, RadioSet, Static

from exercise.session.live import RATINGS, Session

ENGINE = {True: "met", False: "not met", None: "open / to be rated"}


class ObjectiveRating(Vertical):
    def __init__(self, objective, verdict: str, current: dict | None) -> None:  # noqa: ANN001
        super().__init__(classes="rating", id=f"rate-{objective.id}")
        self.objective, self.verdict, self.current = objective, verdict, current

    def compose(self) -> ComposeResult:
        o = self.objective
        yield Label(f"{o.id} · {o.capability}", classes="title")
        yield Static(o.text)
        yield Static(f"Simulator: {self.verdict}", classes="detail")
        with Horizontal():
            with RadioSet(id=f"set-{o.id}"):
                for code, meaning in RATINGS.items():
                    yield RadioButton(f"{code} {meaning}", id=f"{o.id}-{code}",
                                      value=bool(self.current and self.current["rating"] == code))
        yield Input(value=self.current["comment"] if self.current else "", placeholder="comment", id=f"comment-{o.id}")


class HotwashScreen(Screen):
    BINDINGS = [Binding("ctrl+s", "save", "Save ratings"), Binding("escape", "back", "Back")]

    def __init__(self, session: Session) -> None:
        super().__init__(id="hotwash")
        self.session = session

    def compose(self) -> ComposeResult:
        verdicts = {r.objective: r for r in self.session.world.objective_status()}
        with VerticalScroll():
            yield Label("Hot wash: rate each objective (P/S/M/U), then ctrl+s", classes="title")
            for o in self.session.loaded.scenario.objectives:
                v = verdicts[o.id]
                yield ObjectiveRating(o, f"{ENGINE[v.met]} ({v.detail})", self.session.ratings.get(o.id))
        yield Footer()

    def action_save(self) -> None:
        saved = 0
        for o in self.session.loaded.scenario.objectives:
            pressed = self.query_one(f"#set-{o.id}", RadioSet).pressed_button
            if pressed is None:
                continue
            code = pressed.id.rsplit("-", 1)[1]
            comment = self.query_one(f"#comment-{o.id}", Input).value.strip()
            current = self.session.ratings.get(o.id)
            if current is None or (current["rating"], current["comment"]) != (code, comment):
                self.session.rate(o.id, code, comment)
            saved += 1
        self.notify(f"{saved} of {len(self.session.loaded.scenario.objectives)} objectives rated; saved in the journal")
        self.dismiss(saved)

    def action_back(self) -> None:
        self.dismiss(None)
