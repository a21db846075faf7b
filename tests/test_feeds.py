"""Background feeds: a narrative's rise shows as a crowd of posts on its platform, following the model as each
team reads it, the same for the same seed (issue 39)."""

from __future__ import annotations

from pathlib import Path

import pytest

from exercise.engine import World
from exercise.scenario import ScenarioError, load_scenario
from exercise.scenario.feeds import read_feed
from exercise.scenario.lint import lint
from exercise.scenario.loader import scenario_from_bytes
from exercise.scenario.playbook import load_playbook
from exercise.session import views
from exercise.session.live import Session
from exercise.session.policy import apply_playbook

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "election-week.yaml"
H = 60.0


def test_the_same_seed_shows_the_same_posts_and_another_seed_others() -> None:
    loaded = load_scenario(SCENARIO)
    feed = loaded.scenario.feeds[0]

    def shown(seed: int) -> list[tuple[float, str, str]]:
        world = World(loaded, seed)
        world.advance_to(40 * H)
        state = world.indicators[feed.indicator]
        return [(p.t, p.handle, p.text) for p in read_feed(feed, seed, state.at, world.now).posts]

    assert shown(4) == shown(4)
    assert shown(4) != shown(5)
    assert all("{" not in text for _, handle, text in shown(4) for text in (handle, text))


def test_the_crowd_is_smaller_when_the_narrative_is_countered_early() -> None:
    """Same seed, the proactive playbook against none: fewer posts an hour and fewer shown on the feed."""
    loaded = load_scenario(SCENARIO)
    feed = loaded.scenario.feeds[0]
    book = load_playbook(ROOT / "scenarios" / "playbooks" / "election-week-proactive.yaml", loaded)[0]
    worlds = [World(loaded, 3), World(loaded, 3)]
    apply_playbook(worlds[0], book)
    readings = []
    for world in worlds:
        world.advance_to(60 * H)
        state = world.indicators[feed.indicator]
        readings.append(read_feed(feed, 3, state.at, world.now, keep=500, hours=24))
    countered, left = readings
    assert countered.volume < left.volume
    assert sum(countered.hourly) < sum(left.hourly)
    assert len(countered.posts) < len(left.posts)


def test_the_volume_follows_the_indicator_as_each_team_reads_it() -> None:
    """comms reads the salience two hours late and sees the feed at that level; the police, who follow no
    platform, see none; the facilitator sees the truth."""
    session = Session(load_scenario(SCENARIO), 7)
    try:
        session.advance_to(30 * H)
        state = session.world.indicators["narrative_salience"]
        comms = views.feeds(session, views.team("comms"))
        assert [f.id for f in comms] == ["FEED-1"]
        assert comms[0].volume == round(60000 * state.at(28 * H))
        assert views.feeds(session, views.team("police")) == []
        assert views.feeds(session)[0].volume == round(60000 * state.at(30 * H))
        assert views.feeds(session, views.ROOM) == []  # not every team follows it
    finally:
        session.close()


def test_a_team_that_may_not_read_the_indicator_sees_no_feed() -> None:
    text = SCENARIO.read_text(encoding="utf-8").replace(
        "observed_by: {comms: {lag: 2h}, dsc: {lag: 2h}, factcheck: {lag: 1h}, eeas: {lag: 2h}, all: {lag: 12h}}",
        "observed_by: {dsc: {lag: 2h}}", 1)
    session = Session(scenario_from_bytes(text.encode(), "e.yaml"), 7)
    try:
        session.advance_to(10 * H)
        assert views.feeds(session, views.team("comms")) == []
        assert [f.id for f in views.feeds(session, views.team("dsc"))] == ["FEED-1"]
    finally:
        session.close()


def test_a_slot_without_values_is_refused_where_it_is_written() -> None:
    text = SCENARIO.read_text(encoding="utf-8")
    broken = text.replace("My {relative} in {town}", "My {relative} in {city}", 1)
    with pytest.raises(ScenarioError) as caught:
        scenario_from_bytes(broken.encode(), "e.yaml")
    message = str(caught.value)
    line = text[:text.index("  - id: FEED-1")].count("\n") + 1  # the feed whose fill lacks it
    assert message == f"e.yaml:{line}:5: slot {{city}} has no values: add 'city: [...]' under fill"
    attribute = text.replace("My {relative} in {town}", "My {relative.__class__} in {town}", 1)
    with pytest.raises(ScenarioError, match="not a slot name"):
        scenario_from_bytes(attribute.encode(), "e.yaml")


def test_an_unknown_indicator_or_team_in_a_feed_is_a_lint_error() -> None:
    text = SCENARIO.read_text(encoding="utf-8")
    wrong = text.replace("    indicator: narrative_salience\n    posts_per_hour", "    indicator: narative_salience\n"
                         "    posts_per_hour", 1).replace("to: [comms, dsc, factcheck, eeas, election]",
                                                         "to: [comms, dsk]", 1)
    messages = [p.message for p in lint(scenario_from_bytes(wrong.encode(), "e.yaml"))]
    assert any("unknown indicator 'narative_salience'" in m for m in messages), messages
    assert any("unknown team 'dsk'" in m for m in messages), messages


def test_the_guide_lists_the_feed_and_its_templates() -> None:
    from exercise.report.guide import render_guide

    text = render_guide(load_scenario(SCENARIO).scenario)
    assert "## Platform feeds" in text
    assert "**FEED-1**, Murmur · #StolenVote: 60000 posts an hour at narrative_salience 1.0" in text


async def test_f_in_the_team_console_shows_the_platform_and_its_posts(tmp_path: Path) -> None:
    from conftest import start_host

    from exercise.tui.screens.feeds import FeedScreen
    from exercise.tui.team_app import TeamApp

    session = Session(load_scenario(SCENARIO), 5)
    session.start_journal(tmp_path / "j.jsonl")
    host, url, tokens = await start_host(session)
    app = TeamApp(url, tokens["comms"], "Cleo")
    try:
        async with app.run_test(size=(100, 40)) as pilot:
            session.advance_to(40 * H)
            await app.remote.until(lambda s: s.ready and s.now is not None and s.now.clock.now >= 40 * H)
            await pilot.pause()
            from exercise.tui.screens.team_screens import TeamBriefing
            if isinstance(app.screen, TeamBriefing):  # the briefing first, on joining
                await pilot.press("escape")
            await pilot.press("f")
            await pilot.pause()
            assert isinstance(app.screen, FeedScreen)
            shown = str(app.screen.query_one("#feeds").render())
            reading = app.seat.now.feeds[0]
            assert "Murmur · #StolenVote:" in shown and "posts an hour" in shown
            assert reading.posts and reading.posts[0].handle in shown
            await pilot.press("escape")
            assert not isinstance(app.screen, FeedScreen)
    finally:
        await host.close()
        session.close()


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
def test_the_feed_screen_as_a_team_sees_it(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:
    from textual.pilot import Pilot
    from test_team_channel_snapshots import HostThread

    from exercise.net.seats import new_tokens
    from exercise.tui.team_app import TeamApp

    session = Session(load_scenario(SCENARIO), 5)
    session.start_journal(tmp_path / "j.jsonl")
    session.advance_to(44 * H)
    tokens = new_tokens(session.loaded.scenario)
    host = HostThread(session, tokens)
    token = next(t for seat, t in tokens.items() if seat.label == "comms")
    app = TeamApp(f"ws://127.0.0.1:{host.port}", token, "Cleo")

    async def shown(pilot: Pilot) -> None:
        await app.remote.until(lambda s: s.ready and s.now is not None and bool(s.now.feeds))
        await pilot.pause()
        await pilot.press("escape")  # the briefing shown on joining
        await pilot.press("f")
        await pilot.pause()

    try:
        assert snap_compare(app, terminal_size=size, run_before=shown)
    finally:
        host.close()
        session.close()
