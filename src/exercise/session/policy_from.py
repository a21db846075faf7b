"""A session's real decisions as a playbook, so that its policy can be run again on many seeds.

Each measure the players took becomes a rule keyed to what prompted it, with the delay
they took: the inject that asked for that measure (its expected actions), or else the
last scripted inject their team had received, or else the exercise's start. Answers to
decision points become the playbook's decisions. If the session already ran a playbook,
its rules and decisions come first, unchanged, so that the new playbook is the whole
policy that was played.
"""

from __future__ import annotations

from typing import Any

import yaml

from exercise.engine.events import Kind
from exercise.plain import visible
from exercise.scenario.yamlsafe import parse_yaml
from exercise.scenario.types import format_minutes, format_rounded
from exercise.session.commands import AnswerDecision, TakeMeasure
from exercise.session.live import Session


def _prompt(session: Session, team: str, response: str, t: float) -> tuple[dict[str, Any], float]:
    """(the rule's condition, the time it first held) for a measure ``team`` took at ``t``."""
    injects = session.world.injects
    delivered = [e for e in session.world.events
                 if e.kind == Kind.INJECT_DELIVERED and e.t <= t and e.data["inject"] in injects
                 and ("all" in e.data["to"] or team in e.data["to"])]
    asking = [e for e in delivered if any(a.response == response and a.team in (None, team)
                                          for a in injects[e.data["inject"]].expects)]
    for candidates in (asking, delivered):
        if candidates:
            latest = candidates[-1]
            return {"inject": latest.data["inject"]}, latest.t
    return {"after": "0m"}, 0.0


def _exact(minutes: float) -> str:
    """The delay as taken, to the last bit: a rule re-run on the session's seed fires when the player acted,
    not a rounded minute or a sixth digit away (which can reorder events at the same instant)."""
    if minutes == int(minutes):
        return format_minutes(minutes)
    whole = int(minutes // 60)
    return (f"{whole}h" if whole else "") + f"{minutes - whole * 60!r}m"


def playbook_from_session(session: Session, playbook_id: str, title: str) -> dict[str, Any]:
    """The session's policy as playbook data (validate it with ``playbook_from_bytes``). With the id of the
    playbook the session ran, its rules keep their random streams (``playbook:{id}:rule{index}``): re-run
    on the session's seed, the derived playbook plays the session again."""
    rules: list[dict[str, Any]] = []
    decisions: dict[str, str] = {}
    if session.playbook is not None and session.playbook_raw is not None:
        # The policy it ran already, as its author wrote it (read with the scenario reader's rules).
        written = parse_yaml(session.playbook_raw, str(session.playbook_path), what="playbook").data
        rules += written.get("rules") or []
        decisions |= written.get("decisions") or {}
    for command in session.standing():
        if isinstance(command, TakeMeasure):
            when, since = _prompt(session, command.team, command.response, command.minute)
            rule = {"when": when, "team": command.team, "take": command.response,
                    "delay": _exact(command.minute - since)}
            note = command.note or f"taken by {command.by.label()} at T+{format_minutes(round(command.minute))}"
            # A rationale came over the wire from a player: a control character in it is shown as a symbol,
            # never written into YAML that the playbook reader (rightly) refuses.
            rules.append(rule | {"note": visible(note)})
        elif isinstance(command, AnswerDecision):
            decisions[command.inject] = command.option
    scenario = session.loaded.scenario.metadata.id
    data: dict[str, Any] = {
        "id": playbook_id, "title": title, "scenario": scenario,
        "description": f"The decisions of a session of {scenario} (seed {session.seed}), each keyed to what "
                       "prompted it, with the delay the players took.",
        "rules": rules,
    }
    if decisions:
        data["decisions"] = decisions
    return data


def played(session: Session, base: dict[str, Any]) -> list[str | None]:
    """For each rule of ``base`` (``playbook_from_session``'s data), what the session did under it, in words
    ("comms took FIMI-01 1h39m after INJ-05"), or None for a rule of the session's playbook that never fired:
    a what-if varies what was played, not the rule's typical delay, and not what never happened."""
    # The playbook's rules come first in ``base`` (copied from its bytes, which the typed playbook was read from).
    written = len(session.playbook.rules) if session.playbook is not None and session.playbook_raw is not None else 0
    # A rule fired when the playbook asked for its measure, granted or refused (then "at once" may still matter).
    by_playbook = [(e.data["team"], e.data["response"], e.t) for e in session.world.events
                   if e.kind in (Kind.RESPONSE_TAKEN, Kind.RESPONSE_REFUSED) and e.data.get("source") == "playbook"]
    by_players = [(c.team, c.response, c.minute) for c in session.standing() if isinstance(c, TakeMeasure)]
    used: dict[tuple[bool, str, str], int] = {}
    out: list[str | None] = []
    for index, rule in enumerate(base.get("rules") or []):
        mine = index >= written
        key = (mine, rule["team"], rule["take"])
        nth = used.get(key, 0)
        used[key] = nth + 1
        pool = by_players if mine else by_playbook
        fired = [when for team, response, when in pool if (team, response) == key[1:]]
        if nth >= len(fired):
            out.append(None)
            continue
        t = fired[nth]
        trigger = rule["when"].get("inject") if isinstance(rule["when"], dict) else None
        delivered = [e.t for e in session.world.events if e.kind == Kind.INJECT_DELIVERED
                     and e.data["inject"] == trigger and e.t <= t]
        # The rule's own inject, when it names one; else what prompted the measure, as playbook-from keys it.
        when, since = ({"inject": trigger}, delivered[0]) if delivered else _prompt(session, rule["team"], rule["take"], t)
        after = f"{format_rounded(t - since)} after {when['inject']}" if "inject" in when else f"at T+{format_rounded(t)}"
        out.append(f"{rule['team']} took {rule['take']} {after}")
    return out


def session_policy(session: Session, title: str) -> tuple[dict[str, Any], list[str | None]]:
    """What a what-if varies: the session's policy under the id of the playbook it ran (so that its rules
    keep their dice and the policy replays the session), and what was played under each rule."""
    base = playbook_from_session(session, session.playbook.id if session.playbook is not None else "session", title)
    return base, played(session, base)


def to_yaml(data: dict[str, Any], source: str) -> str:
    head = ("# yaml-language-server: $schema=playbook.schema.json\n"
            f"# Made by `exercise playbook-from` from {visible(source, one_line=True)}.\n")  # a newline would end the comment
    return head + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
