"""Many cells of one scenario side by side (report --cohort): what each cell met, and which decisions differed
between the cells that met an objective and those that missed it.

Cells that play one scenario on one seed draw the same dice: whatever differs in their outcomes follows from
what their teams decided. So for each objective the report ranks the decisions by how differently the cells
that met it and those that missed it took them; where a met and a missed cell differ by one decision only, that
decision made the difference, and the report says so. On different seeds chance plays a part too, and the
report says that instead.
"""

from __future__ import annotations

import json
from pathlib import Path

from exercise.report.model import (
    CellOutcome, Cohort, CohortIndicator, Difference, KeyInject, ObjectiveAcross, Report,
)
from exercise.report.render import _environment
from exercise.report.sections import report_of
from exercise.session.live import Session, replay
from exercise.collector import quiet_collector
from exercise.session.timeline import clock
from exercise.session.views import Kind, debrief, inject


def _decisions(session: Session) -> dict[str, float]:
    """What a cell's teams decided, each with when it was first decided: measures taken and answers given."""
    found: dict[str, float] = {}
    for e in debrief(session).events:
        if e.kind == Kind.RESPONSE_TAKEN:
            found.setdefault(f"{e.data['team']} took {e.data['response']}", e.t)
        elif e.kind == Kind.DECISION_MADE:
            scripted = inject(session, e.data["inject"])
            point = scripted.decision if scripted is not None else None
            label = next((o.label for o in point.options if o.id == e.data["option"]), e.data["option"]) \
                if point is not None else e.data["option"]
            found.setdefault(f"{e.data['team']} answered {e.data['inject']}: {label}", e.t)
    return found


def _played_by(r: Report) -> str:
    """Who played a cell's seats, in a line: the people by team, and how many seats a playbook played."""
    people = [f"{p.id}: {p.played_as}" for p in r.participants if p.played_by and p.played_as != "the playbook"]
    scripted = sum(p.played_as == "the playbook" for p in r.participants)
    return "; ".join(people + ([f"the playbook: {scripted} seats"] if scripted else [])) or "nobody"


def _key_injects(sessions: list[Session]) -> list[KeyInject]:
    """The injects that expect an action or put a decision, in each cell: when they came and what followed."""
    rows: list[KeyInject] = []
    per_cell = []
    for session in sessions:
        events = debrief(session).events
        came = {e.data["inject"]: e.t for e in events if e.kind == Kind.INJECT_DELIVERED and e.data.get("inject")}
        answers = {e.data["inject"]: (e.data["option"], e.t) for e in events if e.kind == Kind.DECISION_MADE}
        taken: dict[tuple[str, str | None], float] = {}
        for e in events:
            if e.kind == Kind.RESPONSE_TAKEN:
                taken.setdefault((e.data["response"], e.data["team"]), e.t)
                taken.setdefault((e.data["response"], None), e.t)
        per_cell.append((came, answers, taken))
    scenario = sessions[0].loaded.scenario
    first = {i.id: min((came[i.id] for came, _, _ in per_cell if i.id in came), default=float("inf"))
             for i in scenario.injects}
    for i in sorted(scenario.injects, key=lambda i: (first[i.id], i.id)):  # as they came, in the earliest cell
        if not i.expects and i.decision is None:
            continue
        cells = []
        for came, answers, taken in per_cell:
            if i.id not in came:
                cells.append("did not come")
                continue
            parts = [f"came {clock(came[i.id])}"]
            if i.id in answers:
                parts.append(f"answered {answers[i.id][0]} at {clock(answers[i.id][1])}")
            for x in i.expects:
                at = taken.get((x.response, x.team))
                parts.append(f"{x.response} at {clock(at)}" if at is not None and at >= came[i.id]
                             else f"{x.response} before it" if at is not None else f"no {x.response}")
            cells.append("; ".join(parts))
        if any(c != "did not come" for c in cells):
            rows.append(KeyInject(inject=i.id, title=i.title, cells=cells))
    return rows


def _differences(names: list[str], outcomes: list[dict[str, bool | None]], decided: list[dict[str, float]],
                 same_seed: bool, objectives: list) -> list[Difference]:
    out = []
    for o in objectives:
        met = [k for k, x in enumerate(outcomes) if x.get(o.id) is True]
        missed = [k for k, x in enumerate(outcomes) if x.get(o.id) is False]
        if not met or not missed:
            continue
        every = sorted(set().union(*(decided[k] for k in met + missed)))
        pairs = [(m, x, set(decided[m]) ^ set(decided[x])) for m in met for x in missed]
        rows = []
        for d in every:
            with_met = [names[k] for k in met if d in decided[k]]
            with_missed = [names[k] for k in missed if d in decided[k]]
            weight = len(with_met) / len(met) - len(with_missed) / len(missed)
            if weight == 0:
                continue
            sole = [f"{names[m]} / {names[x]}" for m, x, diff in pairs if diff == {d}]
            took = "took it" if weight > 0 else "did not take it"
            sentence = (f"{d}: in {len(with_met)} of {len(met)} cells that met {o.id} and {len(with_missed)} of "
                        f"{len(missed)} that missed it")
            if sole and same_seed:
                sentence += (f"; on the same seed, the cells {', '.join(sole)} differ by this decision alone, so it "
                             f"made the difference (the cell that met {o.id} {took})")
            elif same_seed:
                sentence += "; on the same seed, decisions alone separate the cells, this one among others"
            else:
                sentence += "; the cells ran on different seeds, so chance plays a part too"
            rows.append(Difference(objective=o.id, decision=d, in_met=with_met, in_missed=with_missed,
                                   met_cells=len(met), missed_cells=len(missed), weight=round(weight, 3),
                                   sole=sole, sentence=sentence))
        rows.sort(key=lambda r: (-len(r.sole), -abs(r.weight), r.decision))
        out += rows
    return out


def cohort(paths: list[str | Path], *, force: bool = False, warn=lambda message: None,  # noqa: ANN001
           scenario: str | Path | None = None) -> Cohort:
    """The cohort of the cells whose journals are ``paths`` (one scenario, two or more cells); ``scenario``: its
    file here, when the journals were recorded on other machines."""
    if len(paths) < 2:
        raise ValueError("a cohort needs the journals of two or more cells")
    sessions, reports, names = [], [], []
    with quiet_collector():
        for path in paths:
            session, journal = replay(path, force=force, warn=warn, scenario=scenario)
            sessions.append(session)
            reports.append(report_of(session, journal.header))
            names.append(Path(path).stem)
    if len(set(names)) < len(names):
        names = [f"{k + 1}: {n}" for k, n in enumerate(names)]
    ids = {r.overview.scenario_id for r in reports}
    if len(ids) > 1:
        raise ValueError(f"a cohort plays one scenario; these journals play {', '.join(sorted(ids))}")
    first: Report = reports[0]
    played = sessions[0].loaded.scenario
    seeds = {r.overview.seed for r in reports}
    outcomes = [{o.id: o.simulator.met for o in r.objectives} for r in reports]
    decided = [_decisions(s) for s in sessions]
    same_seed = len(seeds) == 1
    method = ("Every cell played the same seed, so the adversary's moves and every chance drew the same in each: "
              "where the cells' outcomes differ, their teams' decisions made the difference. For each objective "
              "the decisions are ranked by how much more often the cells that met it took them than the cells "
              "that missed it; a met and a missed cell that differ by one decision alone name that decision." if
              same_seed else
              f"The cells played {len(seeds)} different seeds: outcomes differ by chance as well as by decisions. "
              "The decisions are ranked as for one seed, but a difference is a lead to discuss, not a cause.")
    cells = [CellOutcome(cell=n, seed=r.overview.seed, played_by=_played_by(r), met=outcomes[k])
             for k, (n, r) in enumerate(zip(names, reports, strict=True))]
    across = [ObjectiveAcross(id=o.id, text=o.text,
                              met_in=[n for n, x in zip(names, outcomes, strict=True) if x.get(o.id) is True],
                              missed_in=[n for n, x in zip(names, outcomes, strict=True) if x.get(o.id) is False],
                              not_judged_in=[n for n, x in zip(names, outcomes, strict=True) if x.get(o.id) is None])
              for o in played.objectives]
    series: dict[str, CohortIndicator] = {}
    for name, r in zip(names, reports, strict=True):
        for ind in r.indicators:
            row = series.setdefault(ind.id, CohortIndicator(id=ind.id, name=ind.name, series={}, bands=ind.bands))
            row.series[name] = ind.series
    return Cohort(scenario=first.overview.scenario_id, title=first.overview.name, handling=first.handling,
                  dates=first.overview.exercise_dates, same_seed=same_seed,
                  method=method, cells=cells, objectives=across,
                  differences=_differences(names, outcomes, decided, same_seed, played.objectives),
                  key_injects=_key_injects(sessions), indicators=list(series.values()))


def to_markdown(c: Cohort) -> str:
    return _environment(False, markdown=True).get_template("cohort.md.j2").render(c=c)


def to_html(c: Cohort) -> str:
    from exercise.report.charts import cohort_svg  # the chart library, only for the format with charts

    return _environment(True).get_template("cohort.html.j2").render(
        c=c, charts={i.id: cohort_svg(i) for i in c.indicators})


def to_json(c: Cohort) -> str:
    return json.dumps(c.model_dump(mode="json"), indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def to_xlsx(c: Cohort) -> bytes:
    from exercise.report.xlsx import cohort_xlsx

    return cohort_xlsx(c)


def to_docx(c: Cohort) -> bytes:
    from exercise.report.docx import cohort_docx

    return cohort_docx(c)


def to_pdf(c: Cohort) -> bytes:
    from exercise.report.pdf import cohort_pdf

    return cohort_pdf(c)


FORMATS = {"md": to_markdown, "html": to_html, "json": to_json, "xlsx": to_xlsx, "docx": to_docx, "pdf": to_pdf}
BINARY = frozenset({"xlsx", "docx", "pdf"})
