"""Injects as their channel: a post, an email, a call drawn as such, with counters that follow the model
(issue 39)."""

from __future__ import annotations

from pathlib import Path

import pytest

from exercise.engine import World
from exercise.scenario import load_scenario
from exercise.scenario.channels import WIDTH, counted, engagement, render
from exercise.scenario.loader import scenario_from_bytes
from exercise.scenario.models import Inject
from exercise.scenario.playbook import load_playbook
from exercise.session.policy import apply_playbook

ROOT = Path(__file__).resolve().parents[1]
H = 60.0


def inject(name: str, ident: str) -> Inject:
    return next(i for i in load_scenario(ROOT / "scenarios" / f"{name}.yaml").scenario.injects if i.id == ident)


@pytest.mark.parametrize(("name", "ident", "shows"), [
    ("election-week", "INJ-05", ["Murmur", "Lumeria Truth  @lumeria_truth", "#StolenVote", "[media: a 40-second"]),
    ("election-week", "INJ-03", ["From: Lumeria EDMO hub", "Subject: Cloned news sites", "Attached: screenshots.zip"]),
    ("baltic-winter", "INJ-15", ["incoming call", "duty engineer", "eleven feeders"]),
    ("baltic-winter", "INJ-14", ["CSIRT advisory", "TLP: AMBER", "Action: isolate contractor access"]),
])
def test_each_channel_is_drawn_as_its_form_in_a_box_of_even_width(name: str, ident: str, shows: list[str]) -> None:
    drawn = render(inject(name, ident).form, {"narrative_salience": 0.1})
    lines = drawn.splitlines()
    assert all(len(line) == WIDTH + 3 for line in lines), [len(line) for line in lines]
    flat = " ".join(" ".join(line.strip("│╭╮╰╯─ ").split()) for line in lines)
    for text in shows:
        assert " ".join(text.split()) in flat, (text, drawn)


def test_the_counters_follow_the_narrative_countered_early_or_not() -> None:
    """Same seed, the proactive policy against none: the deepfake post is read by fewer people."""
    loaded = load_scenario(ROOT / "scenarios" / "election-week.yaml")
    post = next(i for i in loaded.scenario.injects if i.id == "INJ-05").form
    book = load_playbook(ROOT / "scenarios" / "playbooks" / "election-week-proactive.yaml", loaded)[0]
    worlds = [World(loaded, 3), World(loaded, 3)]
    apply_playbook(worlds[0], book)
    shown = []
    for world in worlds:
        world.advance_to(60 * H)
        shown.append(engagement(post.reach, {"narrative_salience": world.indicators["narrative_salience"].value}))
    (countered, _, _), (left, _, _) = shown
    assert countered < left
    assert render(post, {"narrative_salience": worlds[0].indicators["narrative_salience"].value}) != \
        render(post, {"narrative_salience": worlds[1].indicators["narrative_salience"].value})


def test_a_reader_who_cannot_see_the_indicator_sees_no_counters_and_the_guide_states_the_rule() -> None:
    post = inject("election-week", "INJ-05").form
    assert "(reach not visible to you)" in render(post, {})
    assert "4M views and 90K shares at narrative_salience 1.0" in " ".join(render(post).split("│"))
    assert counted(1_830_000) == "1.8M" and counted(12_400) == "12K" and counted(1_200) == "1.2K"


def test_a_post_without_an_author_or_with_an_unknown_reach_indicator_is_refused() -> None:
    from exercise.scenario import ScenarioError
    from exercise.scenario.lint import lint

    text = (ROOT / "scenarios" / "election-week.yaml").read_text(encoding="utf-8")
    with pytest.raises(ScenarioError, match="author"):
        scenario_from_bytes(text.replace("      author: Lumeria Truth\n", "", 1).encode(), "e.yaml")
    wrong = text.replace("reach: {indicator: narrative_salience,", "reach: {indicator: narative_salience,", 1)
    assert any("unknown indicator 'narative_salience'" in p.message for p in lint(scenario_from_bytes(wrong.encode(),
                                                                                                      "e.yaml")))


def test_the_channel_fields_are_in_the_schema_the_guide_and_the_msel(tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from exercise.cli import main

    schema = json.loads(CliRunner().invoke(main, ["schema"]).stdout)
    assert "SocialPost" in schema["definitions"] and schema["definitions"]["SocialPost"]["properties"]["handle"][
        "description"]
    guide = (ROOT / "facilitator_guides" / "election-week.md").read_text(encoding="utf-8")
    assert "Lumeria Truth  @lumeria_truth" in guide
    out = tmp_path / "m.csv"
    assert CliRunner().invoke(main, ["msel", "export", "election-week", "-o", str(out)]).exit_code == 0
    assert "Subject: Cloned news sites" in out.read_text(encoding="utf-8")


async def test_the_facilitator_console_draws_the_post_with_the_true_counters(tmp_path: Path) -> None:
    from textual.widgets import Markdown

    from exercise.session.commands import Deliver
    from exercise.session.live import Session
    from exercise.tui.app import ExerciseApp
    from exercise.tui.widgets.feed import Feed

    session = Session(load_scenario(ROOT / "scenarios" / "election-week.yaml"), 2)
    session.start_journal(tmp_path / "j.jsonl")
    session.advance_to(30 * H)
    session.submit(Deliver(inject="INJ-05"))
    app = ExerciseApp(session, timer=False, briefing=False)
    async with app.run_test(size=(160, 45)) as pilot:
        feed = app.screen.query_one(Feed)
        key = next(item.key for item in (feed.item_at(r) for r in range(feed.option_count))
                   if item.inject == "INJ-05")
        app.show_item(key)
        await pilot.pause()
        shown = app.screen.query_one("#detail", Markdown).source
        assert "Lumeria Truth  @lumeria_truth" in shown and "views ·" in shown
        truth = session.world.indicators["narrative_salience"].value
        assert counted(round(4_000_000 * truth)) + " views" in shown


async def test_the_team_console_draws_the_post_with_the_counters_the_team_sees(tmp_path: Path) -> None:
    from conftest import start_host

    from exercise.session.commands import Deliver
    from exercise.session.live import Session
    from exercise.tui.team_app import TeamApp

    session = Session(load_scenario(ROOT / "scenarios" / "election-week.yaml"), 5)
    session.start_journal(tmp_path / "j.jsonl")
    host, url, tokens = await start_host(session)
    app = TeamApp(url, tokens["comms"], "Cleo")
    try:
        async with app.run_test(size=(160, 45)) as pilot:
            session.advance_to(20 * H)
            session.submit(Deliver(inject="INJ-05"))
            await app.remote.until(lambda s: s.ready and any(e.data.get("form") for e in s.injects()))
            await pilot.pause()
            detail = str(app.query_one("#detail").render())
            assert "Lumeria Truth  @lumeria_truth" in detail and "views ·" in detail
            seen = {r.id: r.value for r in app.seat.now.indicators}
            # comms sees the salience two hours late: its counters are its own, not the truth's.
            assert counted(round(4_000_000 * seen["narrative_salience"])) + " views" in detail
    finally:
        await host.close()
        session.close()


async def test_a_team_publishes_a_statement_the_others_see_it_the_journal_keeps_it_and_the_report_shows_it(
        tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner
    from conftest import start_host

    from exercise.cli import main
    from exercise.net.client import Remote
    from exercise.session.commands import End, Publish
    from exercise.session.live import Session

    session = Session(load_scenario(ROOT / "scenarios" / "election-week.yaml"), 5)
    session.start_journal(tmp_path / "j.jsonl")
    host, url, tokens = await start_host(session)
    comms, election = Remote(url, tokens["comms"], "Cleo"), Remote(url, tokens["election"], "Ena")
    comms.start()
    election.start()
    try:
        await comms.until(lambda s: s.ready)
        await election.until(lambda s: s.ready)
        session.advance_to(6 * H)
        statement = Publish(team="comms", channel="official", title="The Verhoef audio is fabricated",
                            text="Forensic analysis shows the clip was synthesised.", response="FIMI-04")
        await comms.send(statement)
        # Another team reads it, from comms, on the official channel.
        await election.until(lambda s: any(e.data.get("published_by") == "comms" for e in s.injects()))
        [seen] = [e for e in election.state.injects() if e.data.get("published_by") == "comms"]
        assert seen.data["channel"] == "official" and seen.data["sender"] == "Government Communications Office"
        assert "synthesised" in seen.data["body"]
        # It is the debunk it announces: FIMI-04 is under way, its note the statement.
        assert any(m.response == "FIMI-04" for m in comms.state.now.measures)
        session.submit(End())
    finally:
        await comms.stop()
        await election.stop()
        await host.close()
        session.close()
    records = [json.loads(line) for line in (tmp_path / "j.jsonl").read_text(encoding="utf-8").splitlines()]
    [published] = [r for r in records if r.get("kind") == "publish"]
    assert published["by"]["name"] == "Cleo" and published["response"] == "FIMI-04"
    report = json.loads(CliRunner().invoke(main, ["report", str(tmp_path / "j.jsonl"), "--format", "json"]).stdout)
    assert any(row["text"].startswith("comms published (official) to all: The Verhoef audio is fabricated")
               for row in report["timeline"])


async def test_p_in_the_team_console_publishes_a_post(tmp_path: Path) -> None:
    import json

    from conftest import start_host

    from exercise.session.live import Session
    from exercise.tui.screens.dialogs import Pick, TextEntry
    from exercise.tui.team_app import TeamApp

    session = Session(load_scenario(ROOT / "scenarios" / "election-week.yaml"), 5)
    session.start_journal(tmp_path / "j.jsonl")
    host, url, tokens = await start_host(session)
    app = TeamApp(url, tokens["comms"], "Cleo")
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await app.remote.until(lambda s: s.ready)
            await pilot.pause()
            if not isinstance(app.screen, Pick):  # the briefing first, on joining
                await pilot.press("escape")
            await pilot.press("p")
            assert isinstance(app.screen, Pick)
            await pilot.press("down", "enter")  # a post on the team's account
            assert isinstance(app.screen, TextEntry)
            await pilot.press(*"Do not share the clip", "ctrl+s")
            await pilot.press(*"It is a fake: see our analysis.", "ctrl+s")
            assert isinstance(app.screen, Pick)
            await pilot.press("enter")  # not a measure
            await app.remote.until(lambda s: any(e.data.get("published_by") == "comms" for e in s.injects()))
    finally:
        await host.close()
        session.close()
    records = [json.loads(line) for line in (tmp_path / "j.jsonl").read_text(encoding="utf-8").splitlines()]
    [published] = [r for r in records if r.get("kind") == "publish"]
    assert published["channel"] == "social" and published["title"] == "Do not share the clip"
    assert published.get("response") is None


async def test_the_facilitator_sees_which_team_opened_an_inject_and_when(tmp_path: Path) -> None:
    from conftest import start_host

    from exercise.session.live import Session
    from exercise.tui.team_app import TeamApp

    session = Session(load_scenario(ROOT / "scenarios" / "election-week.yaml"), 5)
    session.start_journal(tmp_path / "j.jsonl")
    host, url, tokens = await start_host(session)
    app = TeamApp(url, tokens["comms"], "Cleo")
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            session.advance_to(30.0)
            await app.remote.until(lambda s: s.ready and s.injects())
            await pilot.pause()
            first = str(app.seat.injects()[-1].seq)
            for _ in range(50):  # the receipt travels to the host
                if session.receipts(first):
                    break
                await pilot.pause(0.02)
            assert session.receipts(first) == {"comms (Cleo)": 30.0}
            assert first not in session.read_items()  # the team's read is not the facilitator's
    finally:
        await host.close()
        session.close()


async def test_the_facilitators_inject_detail_names_who_opened_it(tmp_path: Path) -> None:
    from textual.widgets import Markdown

    from exercise.session.commands import By, Read
    from exercise.session.live import Session
    from exercise.tui.app import ExerciseApp
    from exercise.tui.widgets.feed import Feed

    session = Session(load_scenario(ROOT / "scenarios" / "election-week.yaml"), 2)
    session.start_journal(tmp_path / "j.jsonl")
    session.advance_to(30.0)
    app = ExerciseApp(session, timer=False, briefing=False)
    async with app.run_test(size=(160, 45)) as pilot:
        feed = app.screen.query_one(Feed)
        key = feed.item_at(0).key
        app.show_item(key)
        await pilot.pause()
        assert "Opened by: no team yet." in app.screen.query_one("#detail", Markdown).source
        session.submit(Read(item=key, by=By(role="team", team="comms", name="Cleo")))
        app.show_item(key)
        await pilot.pause()
        assert "Opened by: comms (Cleo) at T+00:30." in app.screen.query_one("#detail", Markdown).source
