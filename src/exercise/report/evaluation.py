"""Exercise Evaluation Guides: one sheet per evaluator seat, for the tables they sit at (HSEEP's EEG).

Per objective the sheet gives the capability and its target, what the
simulator will measure, and the critical tasks of the evaluator's teams, each
with when it is due and blanks for observed / not observed, the time and the
notes; then a P/S/M/U rating with its rationale. A scenario without evaluator
seats gets one sheet for every team. The sheets are for controllers and
evaluators only, never for players: they say what is expected and by when.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import typst
from jinja2 import Environment, PackageLoader, StrictUndefined

from exercise.report.guide import criteria
from exercise.report.pdf import tstr, typ
from exercise.report.render import md_text, shown_text
from exercise.scenario.models import CriticalTask, Evaluator, Objective, Scenario
from exercise.scenario.types import format_minutes
from exercise.session.commands import RATINGS
from exercise.session.timeline import clock


@dataclass(frozen=True)
class TaskLine:
    task: CriticalTask
    team: str
    due: str


@dataclass(frozen=True)
class Section:
    objective: Objective
    measured: str
    tasks: list[TaskLine]


@dataclass(frozen=True)
class Sheet:
    seat: str
    name: str
    teams: list[str]
    sections: list[Section]


def due_words(task: CriticalTask, scenario: Scenario) -> str:
    """When a task is due, in words, with the time when its inject is scheduled."""
    if task.after is None:
        return f"by {clock(task.within)}"
    inject = next((i for i in scenario.injects if i.id == task.after), None)
    by = f" (by {clock(inject.at + task.within)})" if inject is not None and inject.at is not None else ""
    return f"within {format_minutes(task.within)} of {task.after}{by}"


def sheets(scenario: Scenario) -> list[Sheet]:
    """One sheet per evaluator seat (or one for every team when the scenario declares none)."""
    seats = scenario.evaluators or [Evaluator(id="evaluators", name="every evaluator",
                                              teams=[t.id for t in scenario.teams])]
    out = []
    for seat in seats:
        sections = []
        for o in scenario.objectives:
            lines = [TaskLine(k, team, due_words(k, scenario)) for k in o.tasks for team in k.teams
                     if team in seat.teams]
            if lines or not scenario.evaluators:  # an evaluator rates only where they observe something
                sections.append(Section(o, criteria(o.measure).rstrip("."), lines))
        out.append(Sheet(seat.id, seat.name, list(seat.teams), sections))
    return out


def _environment(filters: dict) -> Environment:
    env = Environment(loader=PackageLoader("exercise.report", "templates"), undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                      autoescape=False,  # noqa: S701 - Markdown and Typst, each with its own escaping filter
                      finalize=shown_text)
    env.filters.update(filters)
    return env


def evaluator_markdown(scenario: Scenario) -> str:
    env = _environment({"md": md_text})
    return env.get_template("eeg.md.j2").render(s=scenario, sheets=sheets(scenario), ratings=RATINGS)


def evaluator_pdf(scenario: Scenario, paper: str = "a4") -> bytes:
    env = _environment({"typ": typ, "tstr": tstr})
    source = env.get_template("eeg.typ.j2").render(s=scenario, sheets=sheets(scenario), ratings=RATINGS,
                                                   paper=paper)
    with tempfile.TemporaryDirectory() as folder:
        main = Path(folder) / "eeg.typ"
        main.write_text(source, encoding="utf-8")
        return typst.compile(str(main), root=folder, format="pdf")
