"""Each channel form as the console draws it, at 80x24 and 160x45 (pytest-textual-snapshot): a post,
an article, an email, a call, a broadcast, an official alert and a chat."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from exercise.scenario import load_scenario
from exercise.session.commands import Deliver
from exercise.session.live import Session
from exercise.tui.app import ExerciseApp
from exercise.tui.widgets.feed import Feed

DATA = Path(__file__).resolve().parent / "data"


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
@pytest.mark.parametrize("inject", ["SOCIAL", "NEWS", "EMAIL", "PHONE", "TV", "OFFICIAL", "CHAT"])
def test_each_channel_is_drawn_as_its_form(snap_compare, tmp_path: Path, inject: str, size: tuple[int, int]) -> None:
    session = Session(load_scenario(DATA / "channels.yaml"), 1)
    session.start_journal(tmp_path / "j.jsonl")
    session.submit(Deliver(inject=inject))
    app = ExerciseApp(session, timer=False, briefing=False)

    async def show(pilot: Pilot) -> None:
        feed = app.screen.query_one(Feed)
        app.show_item(next(feed.item_at(r).key for r in range(feed.option_count) if feed.item_at(r).inject == inject))
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=show)
