"""Views per audience: what each screen may show."""

from __future__ import annotations


def test_a_team_sees_only_its_indicators() -> None:
    """The first per-audience view: indicator readings follow ``visible_to``."""
    from exercise.scenario import load_scenario
    from pathlib import Path
    from exercise.session.live import Session
    from exercise.session.views import indicator_readings

    loaded = load_scenario(Path(__file__).parent / "data" / "cascade.yaml")
    session = Session(loaded, 1)
    session.advance_to(600)
    everyone = {r.id for r in indicator_readings(session)}
    assert everyone == {i.id for i in loaded.scenario.indicators}
    for team in loaded.scenario.teams:
        seen = {r.id for r in indicator_readings(session, team.id)}
        assert seen == {i.id for i in loaded.scenario.indicators if i.visible_to is None or team.id in i.visible_to}
    assert any(i.visible_to for i in loaded.scenario.indicators)  # the check above has something to hide
