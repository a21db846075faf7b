"""The team console's own screens: the briefing a team lead reads first, and the measure picker.

Both draw only what the host sent this seat (its ``Welcome`` and ``SeatState``): the setting, the
team's role and the objectives; and for each measure its card (who decides, how, how long it takes
and where that figure comes from, the legal basis, what it needs and what it acts against).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Markdown, OptionList, Static
from textual.widgets.option_list import Option

from exercise.net.wire import Briefing, MeasureCard
from exercise.plain import visible
from exercise.session.views import MeasureOption
from exercise.tui.plain import plain

KEYS = ("**Keys.** `r` take one of your measures · `c` answer a decision put to your team · `p` publish a "
        "statement, post, press release or email · `f` the platforms you follow: volume and posts "
        "· `m` write to another team, the white cell or exercise control · `o` write a note for the journal "
        "and the report · `b` this "
        "briefing again · `q` quit.")


def briefing_markdown(team_name: str, title: str, b: Briefing) -> str:
    objectives = "\n".join(f"- **{o.id}** ({o.capability}): {o.text}" for o in b.objectives)
    text = (f"# {title}\n\n**You play:** {team_name}: {b.body}\n\n**Setting:** {b.setting}\n\n{b.summary}\n\n"
            f"## Your role\n\n{b.role or 'The facilitator briefs you.'}\n\n## What the exercise is judged on\n\n"
            f"{objectives}\n\n{KEYS}\n\nEverything here is an exercise. Press Enter or Esc to play.")
    return visible(text).replace("<", "&lt;")


class TeamBriefing(ModalScreen[None]):
    BINDINGS = [Binding("escape", "close", "Play"), Binding("enter", "close", "Play")]

    def __init__(self, text: str) -> None:
        super().__init__(classes="dialog")
        self.text = text

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Markdown(self.text)

    def action_close(self) -> None:
        self.dismiss(None)


def card_text(card: MeasureCard, option: MeasureOption | None) -> str:
    lines = [f"{card.id}  {card.name}", "", card.description, "",
             f"Decided by: {card.decided_by} ({card.procedure.replace('_', ' ')})",
             f"Takes effect after: {card.lead_time} ({card.lead_time_source})",
             f"Legal basis: {card.legal_basis}"]
    if card.requires:
        lines.append(f"Needs: {card.requires}")
    if card.against:
        lines.append(f"Acts against: {card.against}")
    if option is not None and option.refusal is not None:
        lines.append(f"Would be refused now: {option.refusal}")
    return "\n".join(lines)


class MeasurePicker(ModalScreen[str | None]):
    """The team's measures: type to search by id, name or what it does; the highlighted one's card below."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = """
    MeasurePicker #measure-list { height: auto; max-height: 8; }
    MeasurePicker #card { height: auto; margin-top: 1; }
    """

    def __init__(self, cards: list[MeasureCard], options: list[MeasureOption]) -> None:
        super().__init__(classes="dialog")
        self.cards = {c.id: c for c in cards}
        self.options = {o.response: o for o in options}

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Take a measure  (type to search, enter take it, esc cancel)", classes="title")
            yield Input(placeholder="search: id, name, who decides, what it does", id="search")
            yield OptionList(id="measure-list")
            yield Static("", id="card", classes="prompt")

    def on_mount(self) -> None:
        self._fill("")

    def _fill(self, query: str) -> None:
        words = query.lower().split()
        listed = self.query_one("#measure-list", OptionList)
        listed.clear_options()
        for rid in self.options:
            card = self.cards.get(rid)
            if card is None:
                continue
            haystack = f"{card.id} {card.name} {card.description} {card.decided_by} {card.against}".lower()
            if all(w in haystack for w in words):
                mark = "  (under way)" if self.options[rid].refusal else ""
                listed.add_option(Option(plain(f"{card.id}  {card.name}  · {card.lead_time}{mark}", one_line=True),
                                         id=rid))
        if listed.option_count:
            listed.highlighted = 0
        self._show()

    def _show(self) -> None:
        option = self.query_one("#measure-list", OptionList).highlighted_option
        card = self.cards.get(option.id) if option is not None and option.id is not None else None
        self.query_one("#card", Static).update(plain(card_text(card, self.options.get(card.id)) if card else
                                                     "No measure matches."))

    def on_input_changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        option = self.query_one("#measure-list", OptionList).highlighted_option
        if option is not None:
            self.dismiss(option.id)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
