"""The response picker: the team's measures, searchable and filtered, with why each can or cannot go ahead."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Markdown, OptionList, Select
from textual.widgets.option_list import Option

from exercise.scenario.catalogue import TOOLBOX_NAMES, Response, establishes_in_words, lead_time_provenance
from exercise.scenario.distributions import describe
from exercise.scenario.types import format_rounded
from exercise.plain import visible
from exercise.session.live import Session
from exercise.session.views import findings_held, refusal, targets
from exercise.tui.plain import plain


@dataclass(frozen=True)
class Choice:
    response: str
    note: str
    target: str | None = None  # a detected campaign or stage it is taken against; None: all it counters


def availability(session: Session, team: str, response: Response) -> tuple[bool, str]:
    """Whether the team can take it now, and why not (the engine's own check)."""
    why = refusal(session, team, response.id)
    if why is not None:
        return False, why
    return True, "preconditions met" if response.preconditions or response.needs else "no preconditions"


class ResponsePicker(ModalScreen[Choice | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "confirm", "Take it")]
    AUTO_FOCUS = "#measures"  # the list, not the search box: arrows and Enter work at once

    def __init__(self, session: Session, team: str) -> None:
        super().__init__(classes="dialog", id="picker")
        self.session, self.team = session, team
        measures = session.loaded.responses
        self.measures = [measures[r] for r in session.loaded.team(team).responses if r in measures]

    def compose(self) -> ComposeResult:
        team = self.session.loaded.team(self.team)
        with Vertical():
            yield Label(plain(f"Respond as {team.name}  (ctrl+s take, esc cancel)", one_line=True), classes="title")
            with Horizontal(classes="filters"):
                yield Input(placeholder="search (or just type)", id="search", select_on_focus=False)
                yield Select([(TOOLBOX_NAMES[t], t) for t in sorted({m.toolbox for m in self.measures})],
                             prompt="all toolboxes", id="toolbox")
                yield Select([(c, c) for c in sorted({m.category for m in self.measures})],
                             prompt="all categories", id="category")
            yield OptionList(id="measures")
            yield Markdown(id="about")
            targets = self._targets()
            # Only once something has been detected is there anything to aim at.
            target = Select(targets, prompt="against everything it counters", id="target")
            target.display = bool(targets)
            yield target
            # select_on_focus would select (and let the next key replace) what was typed
            # between the focus move and the focus event.
            # The rationale and the buttons share a row: at 80x24 the list of measures needs the room.
            with Horizontal(classes="buttons"):
                yield Input(placeholder="rationale (recorded in the journal)", id="note", select_on_focus=False)
                yield Button("Take it", variant="primary", id="take")
                yield Button("Cancel", id="cancel")

    def _targets(self) -> list:
        """Detected campaigns and stages, by name: a measure can be aimed at one incident or narrative."""
        return [(plain(label, one_line=True), ref) for ref, label in targets(self.session)]

    def on_mount(self) -> None:
        self.fill()

    def fill(self) -> None:
        text = self.query_one("#search", Input).value.lower()
        toolbox = self.query_one("#toolbox", Select).value
        category = self.query_one("#category", Select).value
        options = []
        for m in self.measures:
            if text and text not in f"{m.id} {m.name} {m.description}".lower():
                continue
            # An unset Select holds a sentinel, not a string (its name changed across Textual versions).
            if (isinstance(toolbox, str) and toolbox != m.toolbox) or (isinstance(category, str) and category != m.category):
                continue
            ok, _ = availability(self.session, self.team, m)
            label = Text()
            label.append("✓ " if ok else "✗ ", style="green" if ok else "red")
            label.append(f"{visible(m.id):<8}", style="bold")
            label.append(f"{visible(m.name, one_line=True)}  ")
            label.append(f"{describe(m.lead_time)}", style="dim")
            options.append(Option(label, id=m.id))
        picker = self.query_one("#measures", OptionList)
        picker.clear_options()
        picker.add_options(options)
        if options:
            picker.highlighted = 0
        self.show(options[0].id if options else None)

    def show(self, rid: str | None) -> None:
        about = self.query_one("#about", Markdown)
        if rid is None:
            about.update("*No measure matches.*")
            return
        m = self.session.loaded.responses[rid]
        ok, why = availability(self.session, self.team, m)
        findings, held = self.session.loaded.findings, findings_held(self.session)
        legal = ["Needs: " + "; ".join(f"{findings[f].name} ({'established' if f in held else 'not established'})"
                                        for f in m.needs)] if m.needs else []
        if m.establishes or m.may_establish:
            legal.append("Establishes: " + "; ".join(establishes_in_words(m, findings)))
        # The verdict and what it waits on come first: on a small terminal they are what shows.
        about.update(visible("  \n".join([
            f"**{m.id} {m.name}** · {TOOLBOX_NAMES[m.toolbox]} / {m.category}",
            "**Can go ahead.**" if ok else f"**Would be refused: {why}.**",
            *legal,
            f"Decided by {m.decided_by} ({m.procedure.replace('_', ' ')}"
            + (f", agreement about {m.approval:.0%}" if m.approval < 1 else "") + ")",
            f"Lead time {describe(m.lead_time)} ({lead_time_provenance(m)}) · cost {m.cost} · "
            + ("lasts to the end" if m.duration is None else f"lasts {format_rounded(m.duration)}"),
            f"Legal basis: {m.legal_basis}",
            f"Requires: {m.requires or 'nothing'}",
        ])).replace("<", "&lt;"))

    def on_key(self, event: events.Key) -> None:
        """Typing on the list searches: the key goes to the search box, as in any picker."""
        measures = self.query_one("#measures", OptionList)
        if self.focused is measures and event.is_printable and event.character and event.character.strip():
            search = self.query_one("#search", Input)
            search.focus()
            search.value += event.character
            search.cursor_position = len(search.value)
            event.stop()
            event.prevent_default()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "search":
            self.fill()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id in ("toolbox", "category"):
            self.fill()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.show(event.option.id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.query_one("#note", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "note":
            self.action_confirm()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_confirm() if event.button.id == "take" else self.dismiss(None)

    def action_confirm(self) -> None:
        option = self.query_one("#measures", OptionList).highlighted_option
        if option is None or option.id is None:
            self.notify("Choose a measure first.", severity="warning")
            return
        target = self.query_one("#target", Select).value
        self.dismiss(Choice(option.id, self.query_one("#note", Input).value.strip(),
                            target if isinstance(target, str) else None))

    def action_cancel(self) -> None:
        self.dismiss(None)

