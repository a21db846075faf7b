"""Live autoplay: a playbook plays unstaffed seats during a live session; a player who joins takes the seat over,
and when they leave the playbook plays on; the journal says who did what (issue 41)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from click.testing import CliRunner

from exercise.cli import main
from exercise.scenario import load_scenario
from exercise.scenario.playbook import load_playbook
from exercise.session.commands import PlaybookDecision, TakeMeasure, TakeSeat
from exercise.session.live import Session, resume

ROOT = Path(__file__).resolve().parents[1]
ELECTION = ROOT / "scenarios" / "election-week.yaml"
PROACTIVE = ROOT / "scenarios" / "playbooks" / "election-week-proactive.yaml"
H = 60.0


def autoplayed(tmp_path: Path, teams: frozenset[str]) -> Session:
    loaded = load_scenario(ELECTION)
    book = load_playbook(PROACTIVE, loaded)[0]
    session = Session(loaded, 3, book, PROACTIVE, autoplay=teams)
    session.start_journal(tmp_path / "j.jsonl")
    return session


def test_autoplay_is_written_team_equals_playbook_with_one_playbook(tmp_path: Path) -> None:
    runner = CliRunner()
    for args, says in ((["--autoplay", "csirt"], "write TEAM=PLAYBOOK"),
                       (["--autoplay", "csirk=proactive"], "no team 'csirk'"),
                       (["--autoplay", "csirt=proactive", "--autoplay", "comms=passive"], "one session plays one")):
        result = runner.invoke(main, ["run", str(ELECTION), "--journal", str(tmp_path / "j.jsonl"), *args])
        assert result.exit_code == 2 and says in result.output, result.output


def test_only_the_autoplayed_teams_are_played(tmp_path: Path) -> None:
    session = autoplayed(tmp_path, frozenset({"csirt"}))
    session.advance_to(session.world.end)
    played = {c.team for c in session.records if isinstance(c, PlaybookDecision)}
    session.close()
    assert played == {"csirt"}


async def test_a_player_takes_the_seat_over_acts_leaves_and_the_playbook_plays_on(tmp_path: Path) -> None:
    from conftest import start_host

    from exercise.net.client import Remote

    session = autoplayed(tmp_path, frozenset({"csirt"}))
    host, url, tokens = await start_host(session)
    ivo = Remote(url, tokens["csirt"], name="Ivo")
    ivo.start()
    try:
        await ivo.until(lambda s: s.ready)
        for _ in range(100):
            if "csirt" in session.world.seated:
                break
            await asyncio.sleep(0.01)
        assert "csirt" in session.world.seated
        session.advance_to(2 * H)  # the playbook's NAT-02 came due at T+1h: the seat was a person's
        assert not any(isinstance(c, PlaybookDecision) for c in session.records)
        await ivo.send(TakeMeasure(team="csirt", response="NAT-02", note="we harden now"))
        await ivo.stop()
        for _ in range(200):
            if "csirt" not in session.world.seated:
                break
            await asyncio.sleep(0.01)
        assert "csirt" not in session.world.seated
        session.advance_to(session.world.end)
    finally:
        await host.close()
        session.close()
    seats = [(c.taken, c.by.name) for c in session.records if isinstance(c, TakeSeat)]
    assert seats == [(True, "Ivo"), (False, "Ivo")]
    handed_back = next(c.t for c in session.records if isinstance(c, TakeSeat) and not c.taken)
    mine = [c for c in session.records if isinstance(c, TakeMeasure)]
    assert [(c.response, c.by.name) for c in mine] == [("NAT-02", "Ivo")]
    later = [c for c in session.records if isinstance(c, PlaybookDecision)]
    assert later and all(c.team == "csirt" and c.t >= handed_back for c in later)
    assert "NAT-02" not in {c.response for c in later}  # its rule came due while the seat was a person's
    # The journal replays to the same world: the seat's changes are in it.
    again = resume(tmp_path / "j.jsonl")
    try:
        again.advance_to(again.world.end)
        assert [(e.kind, e.t) for e in again.world.events] == [(e.kind, e.t) for e in session.world.events]
    finally:
        again.close()
