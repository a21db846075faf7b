"""Debrief: objectives, indicator charts, the ground truth players never saw, and export."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Label, Markdown, Sparkline

from exercise.plain import visible
from exercise.report.model import WhatIf
from exercise.session.live import Session
from exercise.session.timeline import clock
from exercise.session.views import Kind, debrief, indicator_readings
from exercise.tui.plain import plain

ENGINE = {True: "met", False: "not met", None: "-"}


def debrief_markdown(session: Session) -> str:
    world = debrief(session)
    s = session.loaded.scenario
    lines = [f"# Debrief: {s.metadata.title}", "", f"Played to {clock(world.now)} of {clock(world.end)}.", "",
             "## Objectives", "", "| objective | capability | simulator | rating | comment |", "|---|---|---|---|---|"]
    verdicts = world.verdicts
    for o in s.objectives:
        rating = session.ratings.get(o.id)
        lines.append(f"| {o.id} | {o.capability} | {ENGINE[verdicts[o.id].met]} | "
                     f"{rating.rating if rating else '-'} | {rating.comment if rating else ''} |")
    detected = {e.data["stage"]: e.t for e in world.events if e.kind == Kind.STAGE_DETECTED}
    lines += ["", "## Ground truth", "", "What happened, and when (or whether) players learned of it:", "",
              "| stage | happened | outcome | detected |", "|---|---|---|---|"]
    outcome = {e.data["stage"]: e.kind.split(".")[1] for e in world.events if e.kind in (Kind.STAGE_SUCCEEDED, Kind.STAGE_FAILED)}
    for e in world.events:
        if e.kind == Kind.STAGE_STARTED:
            stage = e.data["stage"]
            seen = f"{clock(detected[stage])} (after {clock(detected[stage] - e.t)[2:]})" if stage in detected else "**never**"
            lines.append(f"| {stage} | {clock(e.t)} | {outcome.get(stage, '')} | {seen} |")
    escalations = [e for e in world.events if e.kind == Kind.ADVERSARY_ESCALATED]
    if escalations:
        lines += ["", "Adversary escalations: " + ", ".join(f"after {e.data['response']} at {clock(e.t)}" for e in escalations)]
    if session.notes:
        lines += ["", "## Notes", ""] + [f"- {clock(n.t)}, {n.author()}: {n.text}" for n in session.notes]
    lines += ["", "## Indicators"]
    return visible("\n".join(lines)).replace("<", "&lt;")


WHATIF_SEEDS = 100  # each variant against the session's policy: enough for a 95% interval of +-10 points


def whatif_markdown(section: WhatIf | None, running: str | None = None) -> str:
    lines = ["## Decisions that mattered", ""]
    if running:
        return "\n".join(lines + [running])
    if section is None:
        return "\n".join(lines + ["Press **w** to work out which of this session's decisions mattered: each one "
                                  "taken at once, later, not at all or answered otherwise, against the session's "
                                  "own policy on the same seeds."])
    lines.append(f"Each decision changed alone, on seeds {section.seeds}; {section.variants_tried} variants tried.")
    lines.append("")
    sentences = [s for e in section.mattered for s in e.sentences]
    if not sentences:
        lines.append("No single decision, changed alone, moved an objective by more than its 95% interval.")
    lines += [f"- {s[0].upper()}{s[1:]}." for s in sentences]
    return visible("\n".join(lines)).replace("<", "&lt;")


class DebriefScreen(Screen):
    BINDINGS = [Binding("e", "app.export", "Export"), Binding("h", "app.hotwash", "Hot wash"),
                Binding("w", "whatif", "Which decisions mattered"), Binding("escape", "back", "Back to console")]

    def __init__(self, session: Session) -> None:
        super().__init__(id="debrief")
        self.session = session

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Markdown(debrief_markdown(self.session))
            yield Markdown(whatif_markdown(getattr(self.app, "whatif", None)), id="whatif")
            for reading in indicator_readings(self.session, points=40):
                values = reading.series
                yield Label(plain(f"{reading.name}: {values[0]:.2f} -> {values[-1]:.2f} "
                                  f"(lowest {reading.lowest:.2f}, highest {reading.highest:.2f})", one_line=True),
                            classes="chart-label")
                yield Sparkline(values, classes="chart")
        yield Footer()

    def action_back(self) -> None:
        self.dismiss(None)

    def action_whatif(self) -> None:
        """Run every one-decision variant of the session's policy, in a worker; the section shows
        here when done, and the next export (e) carries it into the report."""
        from exercise.session.policy_from import playbook_from_session
        from exercise.session.whatif import LATER_HOURS, variants

        session = self.session
        base = playbook_from_session(session, "session", "The policy played in this session")
        seeds = list(range(session.seed, session.seed + WHATIF_SEEDS))
        chosen = variants(base, session.loaded, LATER_HOURS)
        self.query_one("#whatif", Markdown).update(
            whatif_markdown(None, running=f"Running {len(chosen)} variants x {len(seeds)} seeds..."))
        self.run_worker(lambda: self._whatif(base, chosen, seeds), thread=True, exclusive=True, name="whatif")

    def _whatif(self, base: dict, chosen: list, seeds: list[int]) -> None:  # chosen: list[whatif.Variant]
        from exercise.report.whatif import section_from_effects
        from exercise.session.whatif import LATER_HOURS, whatif

        # in this process: see montecarlo.run_chunks
        effects = whatif(self.session.loaded, base, chosen, seeds)  # the session's scenario, as loaded
        section = section_from_effects(effects, seeds, LATER_HOURS)
        self.app.call_from_thread(self._show_whatif, section)

    def _show_whatif(self, section: WhatIf) -> None:
        self.app.whatif = section
        self.query_one("#whatif", Markdown).update(whatif_markdown(section))
