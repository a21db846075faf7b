"""The Master Scenario Events List as a planner's spreadsheet: injects out to rows, rows back into YAML.

One row per inject, in exercise order (scheduled injects by time, then those a
trigger, a detection or a contingency fires), in one of four column sets:
``full``, ``hseep`` (HSEEP's MSEL Builder), ``conducttr`` (its import columns)
and ``rempar`` (France's REMPAR exercise). Each set names the inject fields it
carries; columns the tool writes for reading only (the trigger in words, the
in-world time, technique ids) are ignored on the way back.

Import edits a copy of the scenario's YAML in place (ruamel.yaml keeps its
comments and layout): a field changes only where the cell differs from what the
scenario says, and a row with a new number becomes a new inject. Every cell is
checked before anything is written; a problem names its sheet and cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, get_args

from exercise.scenario.channels import render
from exercise.scenario.conditions import describe
from exercise.scenario.models import Channel, ExpectedAction, Inject, Scenario, Severity
from exercise.scenario.types import format_minutes, parse_duration
from exercise.scenario.types import from_t_plus
from exercise.scenario.types import t_plus as clock

# Canonical fields, in the order the full set shows them. Read-only ones are never imported.
FIELDS = ("id", "time", "world_time", "trigger", "from", "channel", "to", "title", "message", "expects",
          "objectives", "notes", "questions", "severity", "module", "techniques")
READ_ONLY = frozenset({"world_time", "trigger", "techniques", "team_names", "faction", "deliverable",
                       "channel_form"})

COLUMN_SETS: dict[str, dict[str, str]] = {
    "full": {"Number": "id", "Time (T+)": "time", "In-world time": "world_time", "Trigger": "trigger",
             "From": "from", "Channel": "channel", "Channel details": "channel_form", "To": "to", "Title": "title",
             "Message": "message",
             "Expected actions": "expects", "Objectives": "objectives", "Controller notes": "notes",
             "Discussion questions": "questions", "Severity": "severity", "Module": "module",
             "Techniques": "techniques"},
    # HSEEP's MSEL: time, event synopsis, controller, expected action, intended player, objective, notes.
    "hseep": {"MSEL #": "id", "Scenario Time": "time", "Event Date/Time": "world_time", "Event Synopsis": "title",
              "Event Description": "message", "Controller / Sender": "from", "Delivery Method": "channel",
              "Intended Player": "to", "Expected Player Action": "expects", "Objective / Core Capability":
              "objectives", "Notes": "notes"},
    # Conducttr's import columns.
    "conducttr": {"Number": "id", "Time": "time", "From": "from", "Faction": "faction", "To": "to",
                  "Team": "team_names", "Method": "channel", "Subject": "title", "Message": "message",
                  "Expected Action": "expects"},
    # France's REMPAR exercise. Stimuli holds the headline, a blank line, then the message.
    "rempar": {"id": "id", "horaire": "time", "type": "channel", "émetteur": "from", "destinataire": "to",
               "stimuli": "stimuli", "réaction attendue": "expects", "commentaire": "notes", "livrable": "deliverable"},
}
MAX_ROWS = 5000
MAX_CELL = 20_000  # characters: a message is at most a few pages


def trigger_words(inject: Inject, scenario: Scenario) -> str:
    """When an inject comes, in words: its time, its condition, or what fires it."""
    if inject.at is not None:
        return "at " + clock(inject.at)
    if inject.when is not None:
        return f"when {describe(inject.when)}"
    sources = [f"{c.id}.{s.id} detected" for c in scenario.campaigns for s in c.stages
               if s.detection and s.detection.inject == inject.id]
    sources += [f"{c.id}.{s.id} seen failing (an attempt)" for c in scenario.campaigns for s in c.stages
                if s.detection and s.detection.attempt and s.detection.attempt.inject == inject.id]
    sources += [f"contingency for {i.id} ({a.response} not taken)" for i in scenario.injects
                for a in i.expects if a.contingency == inject.id]
    return "on " + " or ".join(sources) if sources else "only if delivered by hand"


def expects_words(expects: list[ExpectedAction]) -> str:
    """'FIMI-01 by comms within 12h, else INJ-05; DSA-01 within 6h'."""
    return "; ".join(f"{a.response}{f' by {a.team}' if a.team else ''} within {format_minutes(a.within)}"
                     + (f", else {a.contingency}" if a.contingency else "") for a in expects)


_EXPECT = re.compile(r"^\s*(?P<response>[A-Za-z0-9][\w.-]*)(?:\s+by\s+(?P<team>[A-Za-z0-9][\w.-]*))?\s+within\s+"
                     r"(?P<within>[^,;]+?)(?:\s*,\s*else\s+(?P<contingency>[A-Za-z0-9][\w.-]*))?\s*$")


def rows(scenario: Scenario) -> list[dict[str, Any]]:
    """Every inject as a row of canonical fields, in exercise order."""
    order = sorted(range(len(scenario.injects)),
                   key=lambda k: (scenario.injects[k].at is None, scenario.injects[k].at or 0.0, k))
    teams = {t.id: t.name for t in scenario.teams}
    stages = {f"{c.id}.{s.id}": s for c in scenario.campaigns for s in c.stages}
    out = []
    for k in order:
        i = scenario.injects[k]
        firing = [s for s in stages.values() if s.detection and i.id in (s.detection.inject, getattr(
            s.detection.attempt, "inject", None))]
        out.append({
            "id": i.id, "time": clock(i.at) if i.at is not None else "",
            # On the scenario's wall clock, without a zone (a spreadsheet has none): the column says which.
            "world_time": scenario.metadata.at(i.at).replace(tzinfo=None) if i.at is not None else None,
            "trigger": trigger_words(i, scenario), "from": i.from_, "channel": i.medium, "to": ", ".join(i.to),
            "team_names": ", ".join(teams.get(t, t) for t in i.to), "faction": "control", "title": i.title,
            "message": i.body, "stimuli": f"{i.title}\n\n{i.body}".strip(), "expects": expects_words(i.expects),
            "objectives": ", ".join(i.objectives), "notes": i.facilitator_notes, "questions": "\n".join(i.questions),
            "severity": i.severity, "module": i.module, "deliverable": "",
            "channel_form": render(i.form) if i.form is not None else "",
            "techniques": ", ".join(sorted({t for s in firing for t in s.techniques})),
        })
    return out


@dataclass
class Problem:
    """A cell that cannot go into the scenario, located as a planner finds it."""

    sheet: str
    cell: str  # 'C12'
    message: str
    severity: str = "error"

    def where(self, file: str) -> str:
        return f"{file}:{self.sheet}!{self.cell}: {self.message}"


@dataclass
class Edits:
    """What a sheet asks to change: inject id -> field -> new value (model form); new injects in order."""

    changed: dict[str, dict[str, Any]] = field(default_factory=dict)
    added: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def column_set(header: list[str], mapping: dict[str, str] | None = None) -> dict[int, str]:
    """Column index -> canonical field, from a header row: one of the sets, or the planner's own --map."""
    names = [str(h or "").strip() for h in header]
    if mapping:
        known = {k.strip().lower(): v for k, v in mapping.items()}
        return {i: known[n.lower()] for i, n in enumerate(names) if n.lower() in known}
    best: dict[int, str] = {}
    for columns in COLUMN_SETS.values():
        lowered = {k.lower(): v for k, v in columns.items()}
        found = {i: lowered[n.lower()] for i, n in enumerate(names) if n.lower() in lowered}
        if len(found) > len(best):
            best = found
    return best


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def read_rows(sheet: str, table: list[list[Any]], scenario: Scenario, mapping: dict[str, str] | None = None,
              formulas: set[tuple[int, int]] | None = None) -> Edits:
    """Check every row of a sheet against the scenario and collect what it changes. ``table``: the header
    row then the rows, as values; ``formulas``: (row, column) cells that held a formula (read as values)."""
    edits = Edits()
    if not table:
        edits.problems.append(Problem(sheet, "A1", "the sheet is empty: it needs a header row"))
        return edits
    columns = column_set(table[0], mapping)
    if "id" not in columns.values():
        edits.problems.append(Problem(sheet, "A1", "no inject number column: name one 'Number', 'MSEL #' or 'id' "
                                                   "(or give --map 'YOUR HEADER=id')"))
        return edits
    if len(table) - 1 > MAX_ROWS:
        edits.problems.append(Problem(sheet, f"A{MAX_ROWS + 2}", f"more than {MAX_ROWS} rows"))
        return edits
    for (r, c) in sorted(formulas or ()):
        edits.problems.append(Problem(sheet, f"{_letter(c)}{r + 1}", "a formula: its value was read, not the "
                                                                     "formula", "warning"))
    known = {i.id: i for i in scenario.injects}
    teams = {t.id for t in scenario.teams} | {"all"}
    objectives = {o.id for o in scenario.objectives}
    seen: set[str] = set()
    for r, row in enumerate(table[1:], start=2):
        cells = {name: ("" if r_ >= len(row) or row[r_] is None else row[r_]) for r_, name in columns.items()}
        if not any(str(v).strip() for v in cells.values()):
            continue  # an empty line
        at = {name: f"{_letter(i)}{r}" for i, name in columns.items()}

        def bad(name: str, message: str) -> None:
            edits.problems.append(Problem(sheet, at.get(name, f"A{r}"), message))  # noqa: B023 - this row's cells

        text = {k: _text(v) for k, v in cells.items()}
        for name, value in text.items():
            if len(value) > MAX_CELL:
                bad(name, f"longer than {MAX_CELL} characters")
        ident = text.get("id", "").strip()
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}", ident):
            bad("id", f"not an inject number: {ident!r} (letters, digits, '-', '_', '.')")
            continue
        if ident in seen:
            bad("id", f"{ident} is on two rows")
            continue
        seen.add(ident)
        values: dict[str, Any] = {}
        if "time" in text or "world_time" in cells:
            minutes = _minutes(text.get("time", ""), cells.get("world_time"), scenario)
            if isinstance(minutes, str):
                bad("time" if "time" in text else "world_time", minutes)
            else:
                values["at"] = minutes
        if "stimuli" in text:
            head, _, rest = text["stimuli"].partition("\n\n")
            values["title"], values["body"] = head.strip(), rest.strip()
        for name, key in (("title", "title"), ("message", "body"), ("from", "from_"), ("notes", "facilitator_notes"),
                          ("module", "module")):
            if name in text:
                values[key] = text[name].strip()
        if "channel" in text:
            channel = text["channel"].strip().lower()
            if channel not in get_args(Channel):
                bad("channel", f"{channel!r} is not a channel: {', '.join(get_args(Channel))}")
            values["channel"] = channel
        if "severity" in text:
            severity = text["severity"].strip().lower() or "medium"
            if severity not in get_args(Severity):
                bad("severity", f"{severity!r} is not a severity: {', '.join(get_args(Severity))}")
            values["severity"] = severity
        if "to" in text:
            to = _list(text["to"])
            unknown = [t for t in to if t not in teams]
            if unknown or not to:
                bad("to", f"unknown team {unknown[0]!r}: {', '.join(sorted(teams))}" if unknown else
                    "no team: give team ids, or 'all'")
            values["to"] = to
        if "objectives" in text:
            listed = _list(text["objectives"])
            unknown = [o for o in listed if o not in objectives]
            if unknown:
                bad("objectives", f"unknown objective {unknown[0]!r}: {', '.join(sorted(objectives))}")
            values["objectives"] = listed
        if "questions" in text:
            values["questions"] = [q.strip() for q in text["questions"].splitlines() if q.strip()]
        if "expects" in text:
            parsed = _expects(text["expects"], scenario)
            if isinstance(parsed, str):
                bad("expects", parsed)
            else:
                values["expects"] = parsed
        if ident in known:
            inject = known[ident]
            if values.get("at") is not None and inject.at is None and inject.when is not None:
                bad("time", f"{ident} comes on a trigger ({trigger_words(inject, scenario)}): clear its 'when' "
                            "in the scenario to schedule it")
                continue
            if values.get("at") is None and "at" in values and inject.at is not None:
                bad("time", f"{ident} is scheduled at {clock(inject.at)}: give a time")
                continue
            change = {k: v for k, v in values.items() if not _same(_model_value(inject, k), v)}
            if change:
                edits.changed[ident] = change
        else:
            missing = [n for n, k in (("title", "title"), ("to", "to"), ("from", "from_"), ("channel", "channel"))
                       if not values.get(k)]
            if missing:
                bad(missing[0], f"a new inject {ident} needs {', '.join(missing)}")
                continue
            edits.added.append({"id": ident, **values})
    return edits


def _text(value: Any) -> str:
    if value is None:
        return ""
    text = str(value)
    if text[:2] in ("'=", "'+", "'-", "'@"):  # the export's guard against formulas
        text = text[1:]
    return text.replace("\r\n", "\n")


def _list(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,;\n]", text) if part.strip()]


def _minutes(text: str, world: Any, scenario: Scenario) -> float | None | str:
    """Exercise minutes from 'T+1d 06:00', '30h', '' (not scheduled), or an in-world date-time cell."""
    import datetime as dt

    text = text.strip()
    if not text:
        if isinstance(world, dt.datetime):  # only the in-world time was given: count from T+0 in the zone
            local = world if world.tzinfo else world.replace(tzinfo=scenario.metadata.at(0).tzinfo)
            return (local - scenario.metadata.start).total_seconds() / 60
        return None
    clocked = from_t_plus(text)
    if clocked is not None:
        return clocked
    try:
        return parse_duration(text.removeprefix("T+"))
    except ValueError:
        return f"not a time: {text!r} (write T+06:00, T+1d 02:30 or 30h)"


def _expects(text: str, scenario: Scenario) -> list[dict[str, Any]] | str:
    responses = {r for t in scenario.teams for r in t.responses}
    teams = {t.id for t in scenario.teams}
    out = []
    for part in [p for p in text.split(";") if p.strip()]:
        found = _EXPECT.match(part)
        if found is None:
            return f"not an expected action: {part.strip()!r} (write 'FIMI-01 by comms within 12h, else INJ-05')"
        if found["response"] not in responses:
            return f"no team holds {found['response']!r}"
        if found["team"] and found["team"] not in teams:
            return f"unknown team {found['team']!r}"
        try:
            within = parse_duration(found["within"].strip())
        except ValueError:
            return f"not a duration: {found['within'].strip()!r} (write 12h or 1d6h)"
        action = {"response": found["response"], "team": found["team"], "within": within,
                  "contingency": found["contingency"]}
        out.append({k: v for k, v in action.items() if v is not None})
    return out


def _model_value(inject: Inject, key: str) -> Any:
    """What the scenario says now, in the form a cell's value is compared with."""
    if key == "expects":
        return [a.model_dump(exclude_none=True, exclude_defaults=True) | {"within": a.within}
                for a in inject.expects]
    if key == "channel":  # a form (a post, an email) keeps its fields while its kind is unchanged
        return inject.medium
    return getattr(inject, key)


def _same(now: Any, cell: Any) -> bool:
    """Whether a cell says what the scenario says: text compared without the blank lines a spreadsheet drops."""
    if isinstance(now, str) and isinstance(cell, str):
        return now.strip() == cell.strip()
    return bool(now == cell)


def yaml_value(key: str, value: Any) -> Any:
    """A field as the scenario's YAML writes it: durations as text ('30h'), not minutes."""
    if key == "at":
        return format_minutes(value)
    if key == "expects":
        return [{**a, "within": format_minutes(a["within"])} for a in value]
    return value


__all__ = ["COLUMN_SETS", "FIELDS", "Edits", "Problem", "column_set", "expects_words", "read_rows", "rows",
           "trigger_words", "yaml_value"]
