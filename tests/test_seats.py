"""The seats' tokens survive a resume and can be shown again; their file is the facilitator's alone."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from exercise.net.hosting import HostingError, invitations, seating
from exercise.net.seats import seat_for
from exercise.scenario import load_scenario
from exercise.session.live import Session, resume

ROOT = Path(__file__).resolve().parents[1]
ELECTION = load_scenario(ROOT / "scenarios" / "election-week.yaml")


def started(tmp_path: Path) -> Session:
    session = Session(ELECTION, 5)
    session.start_journal(tmp_path / "j.jsonl")
    return session


def test_a_resumed_host_shows_the_same_tokens_again(tmp_path: Path) -> None:
    session = started(tmp_path)
    first = seating(session)
    session.close()
    again = resume(tmp_path / "j.jsonl")
    second = seating(again)
    assert second.shown == first.shown and second.kept == first.kept
    lines = invitations(second, "ws://127.0.0.1:8765")
    assert any(f"EXERCISE_TOKEN={first.shown[seat]} exercise join" in line for seat in first.shown
               if seat.role == "team" for line in lines)
    assert all(seat_for(token, second.kept) == seat for seat, token in second.shown.items())
    again.close()
    # --new-tokens: the old ones stop working
    third = seating(resume(tmp_path / "j.jsonl"), fresh=True)
    assert not set(third.shown.values()) & set(first.shown.values())
    assert all(seat_for(token, third.kept) is None for token in first.shown.values())


def test_a_seats_file_kept_by_an_older_version_stands_without_tokens_to_show(tmp_path: Path) -> None:
    session = started(tmp_path)
    seats = seating(session)
    path = tmp_path / "j.jsonl.seats.json"
    rows = json.loads(path.read_text())
    path.write_text(json.dumps([{k: v for k, v in r.items() if k != "token"} for r in rows]))
    old = seating(session)
    assert old.shown == {} and old.kept == seats.kept
    assert "keeps no tokens to show" in invitations(old, "ws://x:1")[0]


def test_the_seats_file_is_never_written_through_a_symlink_and_is_made_private(tmp_path: Path) -> None:
    session = started(tmp_path)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    path = tmp_path / "j.jsonl.seats.json"
    path.symlink_to(victim)
    with pytest.raises(HostingError, match="symbolic link"):
        seating(session, fresh=True)
    with pytest.raises(HostingError, match="symbolic link"):
        seating(session)
    assert victim.read_text() == "precious"
    path.unlink()
    path.write_text("[]")
    os.chmod(path, 0o644)  # a file someone else's tool left readable
    seating(session, fresh=True)
    assert path.stat().st_mode & 0o777 == 0o600
