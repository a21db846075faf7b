"""Load a scenario file into models; every problem becomes ``FILE:LINE:COL: message``."""

from __future__ import annotations

import hashlib
import os
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from exercise.scenario.catalogue import Finding, Response, load_catalogue, load_findings
from exercise.scenario.errors import Problem, ScenarioError, did_you_mean
from exercise.scenario.models import Scenario, Team
from exercise.collector import quiet_collector
from exercise.limits import scenario_limit, too_big
from exercise.scenario.yamlsafe import Located, parse_yaml

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario with what the engine and the linter need beside it."""

    scenario: Scenario
    located: Located
    path: str
    sha256: str
    responses: dict[str, Response]  # catalogue + adjustments + custom measures
    findings: dict[str, Finding]  # catalogue findings, with the scenario's own and its rewordings
    # The bytes it was loaded from: what sweeps send their workers, so that an analysis during a
    # session runs the session's scenario even if the file on disk has changed since.
    raw: bytes = field(default=b"", compare=False, repr=False)
    # What the engine works out from the scenario alone (stage plans, compiled conditions), kept
    # here so that it is worked out once per process, not once per run (engine/prepared.py).
    prepared: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def team(self, team_id: str) -> Team:
        return next(t for t in self.scenario.teams if t.id == team_id)

    @property
    def source(self) -> Source:
        return Source(self.path, self.raw)


@dataclass(frozen=True)
class Source:
    """A file as read once: its name (for messages) and its bytes. Sweeps pass these, never paths."""

    name: str
    raw: bytes = field(repr=False)

    @classmethod
    def read(cls, path: str | Path) -> Source:
        return cls(str(path), read_file(path))


def read_file(path: str | Path, limit: int | None = None) -> bytes:
    """The bytes of ``path``, or a ScenarioError that says why not.

    The size is checked before anything is read (and the read stops past the
    limit, for files that grow or lie about their size, such as /dev/zero).
    """
    name = str(path)
    limit = scenario_limit() if limit is None else limit
    try:
        with open(path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > limit:
                raise ScenarioError([Problem(name, 0, 0, too_big(size, limit))])
            raw = handle.read(limit + 1)
        if len(raw) > limit:
            raise ScenarioError([Problem(name, 0, 0, too_big(len(raw), limit, at_least=True))])
        return raw
    except FileNotFoundError:
        raise ScenarioError([Problem(name, 0, 0, "no such file")]) from None
    except IsADirectoryError:
        raise ScenarioError([Problem(name, 0, 0, "is a directory, not a file")]) from None
    except OSError as exc:
        raise ScenarioError([Problem(name, 0, 0, f"cannot read: {exc.strerror or exc}")]) from None


def parse_model(raw: bytes, name: str, model: type[M], *, what: str) -> tuple[M, Located]:
    """Parse YAML bytes as ``model``; raise ScenarioError listing every problem."""
    located = parse_yaml(raw, name, what=what)
    try:
        return model.model_validate(located.data), located
    except ValidationError as exc:
        raise ScenarioError(validation_problems(exc, located, model)) from None


def scenario_from_bytes(raw: bytes, name: str) -> LoadedScenario:
    with quiet_collector():
        scenario, located = parse_model(raw, name, Scenario, what="scenario")
        responses = effective_responses(scenario)
        return LoadedScenario(scenario, located, name, hashlib.sha256(raw).hexdigest(), responses,
                              effective_findings(scenario), raw=raw)


def load_scenario(path: str | Path) -> LoadedScenario:
    return scenario_from_bytes(read_file(path), str(path))


def effective_responses(scenario: Scenario) -> dict[str, Response]:
    """Catalogue measures with this scenario's adjustments, plus its custom ones."""
    measures = dict(load_catalogue())
    for rid, adjustment in scenario.responses.adjust.items():
        if rid in measures:  # unknown ids are reported by the linter
            measures[rid] = adjustment.apply(measures[rid])
    for custom in scenario.responses.custom:
        measures[custom.id] = custom
    return measures


def effective_findings(scenario: Scenario) -> dict[str, Finding]:
    """Catalogue findings, with this scenario's own and its rewordings."""
    return load_findings() | {f.id: f for f in scenario.findings}


def ways_to_establish(scenario: Scenario, responses: dict[str, Response],
                      findings: dict[str, Finding]) -> dict[str, list[tuple[str, Any]]]:
    """How each finding can come to hold in this scenario, for those that can: ("start", None),
    ("when", its condition), ("measure", id) of a measure some team can take, ("chance", (id, its
    Establishment)) of one that may establish it later, ("detection",
    "campaign.stage"), ("decision", (inject id, option label)). The linter reads which findings
    can never hold; the guide tells the facilitator how each one can."""
    ways: dict[str, list[tuple[str, Any]]] = {}
    for finding in findings.values():
        if finding.holds_at_start:
            ways.setdefault(finding.id, []).append(("start", None))
        if finding.when is not None:
            ways.setdefault(finding.id, []).append(("when", finding.when))
    for rid in sorted({r for t in scenario.teams for r in t.responses if r in responses}):
        for fid in responses[rid].establishes:
            ways.setdefault(fid, []).append(("measure", rid))
        for later in responses[rid].may_establish:
            ways.setdefault(later.finding, []).append(("chance", (rid, later)))
    for campaign in scenario.campaigns:
        for stage in campaign.stages:
            for fid in stage.detection.establishes if stage.detection else ():
                ways.setdefault(fid, []).append(("detection", f"{campaign.id}.{stage.id}"))
    for inject in scenario.injects:
        for option in inject.decision.options if inject.decision else ():
            for fid in option.establishes:
                ways.setdefault(fid, []).append(("decision", (inject.id, option.label)))
    return ways


# --- pydantic errors -> positions ---------------------------------------------------------

_MISSING_HINTS = {
    "provenance": ": say where the numbers come from ('design' for a design assumption, or 'law: ...', "
                  "'case: ...', 'study: ...', 'data: ...')",
}


def validation_problems(exc: ValidationError, located: Located, model: type[BaseModel]) -> list[Problem]:
    problems = []
    seen = set()
    for error in exc.errors(include_url=False):
        path, on_key, message = _explain(error, located, model)
        problem = located.problem(path, message, key=on_key)
        if (problem.line, problem.col, problem.message) not in seen:
            seen.add((problem.line, problem.col, problem.message))
            problems.append(problem)
    return problems


def _data_path(loc: tuple, located: Located) -> tuple:
    """Keep the parts of a pydantic ``loc`` that are real keys and indexes.

    Discriminated unions put the tag of the member they tried into ``loc``;
    those parts name no place in the file, so they are skipped.
    """
    path: tuple = ()
    for part in loc:
        if path + (part,) in located.values:
            path = path + (part,)
    return path


def _explain(error: dict, located: Located, model: type[BaseModel]) -> tuple[tuple, bool, str]:
    loc = tuple(error["loc"])
    kind = error["type"]
    path = _data_path(loc, located)
    message = error["msg"]
    if message.startswith(("Value error, ", "Assertion failed, ")):
        message = message.split(", ", 1)[1]
    if kind == "extra_forbidden":
        key = loc[-1]
        known = _fields_at(model, loc[:-1])
        hint = ""
        if known:
            hint = did_you_mean(str(key), known) or f"; expected one of: {', '.join(sorted(known))}"
        return path, True, f"unknown key {key!r}{hint}"
    if kind == "missing":
        hint = _MISSING_HINTS.get(loc[-1], "")
        return path, False, f"missing required key {loc[-1]!r}{hint}"
    if kind in ("literal_error", "enum", "greater_than", "greater_than_equal", "less_than",
                "less_than_equal", "string_too_short", "string_too_long"):
        return path, False, f"{message}, found {_describe(error.get('input'))}"
    if kind == "string_pattern_mismatch":
        return path, False, f"{error.get('input')!r} is not a valid value here (expected pattern {error['ctx']['pattern']})"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return path, False, f"expected a mapping (key: value), found {_describe(error.get('input'))}"
    if kind == "list_type":
        return path, False, f"expected a list, found {_describe(error.get('input'))}"
    if kind in ("string_type",):
        return path, False, f"expected text, found {_describe(error.get('input'))}"
    return path, False, message


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (null)"
    if isinstance(value, str):
        return repr(value) if len(value) <= 40 else repr(value[:37] + "...")
    return repr(value)


def _unwrap(annotation: Any) -> list[Any]:
    """The model classes an annotation can hold, through Optional/list/dict/Annotated/Union."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        out = []
        for arg in typing.get_args(annotation):
            out.extend(_unwrap(arg))
        return out
    if origin in (list, tuple, set, frozenset):
        return _unwrap(typing.get_args(annotation)[0])
    if origin is dict:
        return _unwrap(typing.get_args(annotation)[1])
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return []


def _fields_at(model: type[BaseModel], loc: tuple) -> list[str]:
    """The keys allowed at ``loc``, walking the model the way pydantic did."""
    candidates: list[type[BaseModel]] = [model]
    for part in loc:
        if isinstance(part, int):
            continue
        next_candidates: list[type[BaseModel]] = []
        by_tag = [c for c in candidates if _tag_matches(c, part)]
        if by_tag and len(candidates) > 1:
            candidates = by_tag
            continue
        for cls in candidates:
            for name, info in cls.model_fields.items():
                if part in (name, info.alias):
                    next_candidates.extend(_unwrap(info.annotation))
        if not next_candidates:
            return []
        candidates = next_candidates
    if len(candidates) != 1:
        return []
    return [f.alias or n for n, f in candidates[0].model_fields.items()]


def _tag_matches(cls: type[BaseModel], tag: Any) -> bool:
    if not isinstance(tag, str):
        return False
    if getattr(cls, "tag", None) == tag:  # a condition kind names its own tag
        return True
    kind = cls.model_fields.get("kind")
    if kind is not None and typing.get_args(kind.annotation) == (tag,):
        return True
    key = {"shorthand": "value"}.get(tag, tag)  # a delay's bare duration is a fixed one's value
    return key in cls.model_fields or key in {f.alias for f in cls.model_fields.values()}
