"""Teams see indicators as their bodies would learn them, never the truth as it happens, and nothing
their screens derive tells them what they were not told.

Every bundled scenario is played to the end (with its proactive playbook, so that measures move
the indicators too) on a real host, with a client per team and the room. On the bytes each one
received: an indicator reaches a team only if the scenario says that team observes it, and its
value at any moment is the true value as it was one declared lag earlier (at the last report, for
a poll); a step change never shows before its lag has passed; no indicator event is sent at all.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from exercise.net.client import Remote
from exercise.net.host import Host
from exercise.net.seats import new_tokens, tickets
from exercise.scenario import load_scenario
from exercise.scenario.playbook import load_playbook
from exercise.session.clock import SessionClock
from exercise.session.live import Session
from exercise.session.views import ROOM, Kind, observation, team

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
STEP = 150.0  # minutes between pushes: 2.5 h, so that a lag of a few hours is seen from both sides


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
async def test_no_indicator_reaches_a_team_before_its_lag(path: Path) -> None:
    loaded = load_scenario(path)
    book_path = ROOT / "scenarios" / "playbooks" / f"{path.stem}-proactive.yaml"
    session = Session(loaded, 7, load_playbook(book_path, loaded)[0], book_path)
    shown = new_tokens(loaded.scenario)
    host = Host(session, SessionClock(session), tickets(shown))
    url = f"ws://127.0.0.1:{await host.start('127.0.0.1', 0)}"
    seats = [t.id for t in loaded.scenario.teams] + ["room"]
    received: dict[str, list[str]] = {seat: [] for seat in seats}
    tokens = {seat.label: token for seat, token in shown.items()}
    clients = {seat: Remote(url, tokens[seat], seat, tap=received[seat].append) for seat in seats}
    for c in clients.values():
        c.start()
    try:
        for c in clients.values():
            await c.until(lambda s: s.ready)
        t = 0.0
        while not session.world.finished:
            t = min(t + STEP, session.world.end)
            session.advance_to(t)
            last = session.world.events[-1].seq
            for c in clients.values():
                await c.until(lambda s, last=last: s.seq == last, timeout=30)
    finally:
        for c in clients.values():
            await c.stop()
        await host.close()

    specs = {spec.id: spec for spec in loaded.scenario.indicators}
    teams = [t.id for t in loaded.scenario.teams]
    truth = session.world.indicators
    steps = [(e.t, e.data["indicator"], e.data["after"]) for e in session.world.events
             if e.kind == Kind.INDICATOR_CHANGED and e.data["before"] != e.data["after"]]
    checked = 0
    for seat, texts in received.items():
        audience = team(seat) if seat != "room" else ROOM
        wire = "".join(texts)
        assert '"indicator.changed"' not in wire and '"indicator.band"' not in wire, seat
        for text in texts:
            message = json.loads(text)
            if message["type"] != "view":
                continue
            now = message["clock"]["now"]
            shown_ids = {r["id"] for r in message["indicators"]}
            assert shown_ids == {i for i, spec in specs.items() if observation(spec, audience, teams) is not None}
            for reading in message["indicators"]:
                seen = observation(specs[reading["id"]], audience, teams)
                assert seen is not None
                assert reading["value"] == truth[reading["id"]].at(seen.seen(now)), (seat, reading["id"], now)
                # Independently of how it is computed: a step shows no sooner than its lag after it.
                for when, indicator, after in steps:
                    if indicator == reading["id"] and when <= now < when + seen.lag and seen.lag > 0:
                        assert reading["value"] != after, (seat, indicator, when, now)
                checked += 1
    assert checked > 100
    # Nothing a team screen derives tells it what it was not told: a measure's refusal is judged on the
    # team's own state only, and no campaign is named on its wire unless an inject sent to it named it.
    campaigns = {c.name for c in loaded.scenario.campaigns}
    for seat, texts in received.items():
        told = " ".join(json.dumps(e.data, ensure_ascii=False) for e in clients[seat].state.injects())
        for text in texts:
            message = json.loads(text)
            if message["type"] == "view":
                assert all(o["refusal"] is None or "already under way" in o["refusal"] for o in message["options"])
        wire = "".join(texts)
        named = {c for c in campaigns if json.dumps(c, ensure_ascii=False)[1:-1] in wire}
        assert named <= {c for c in campaigns if json.dumps(c, ensure_ascii=False)[1:-1] in told}, seat
    # The bundled scenarios keep intelligence judgements with those who make them.
    attribution = [s for i, s in specs.items() if i.startswith("attribution")]
    for spec in attribution:
        assert spec.observed_by is not None and "all" not in spec.observed_by
