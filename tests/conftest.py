from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# CI must not depend on luck: there every property test draws the same examples on
# every run and keeps no database between runs. Locally the examples vary, so that
# running the suite again keeps searching.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens", action="store_true",
        help="Rewrite golden files from the current output (review the diff before committing).",
    )


@pytest.fixture
def update_goldens(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-goldens"))


@pytest.fixture
def tiny_text() -> str:
    return (DATA / "tiny.yaml").read_text(encoding="utf-8")


@pytest.fixture
def write_scenario(tmp_path: Path):
    """Write YAML text to a file and return its path."""

    def write(text: str | bytes, name: str = "scenario.yaml") -> Path:
        path = tmp_path / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    return write


def run_until_decision(session, clock, team: str) -> str:
    """Run ``clock`` (as the console's ticks do, 0.5 s each) until a decision point opens for ``team``; its inject."""
    clock.run(True)
    while not (opened := [d.inject for d in session.world.open_decisions.values() if d.team == team]):
        clock.tick(0.5)
    return opened[0]


async def start_host(session, clock=None):
    """A real host of ``session`` on a free loopback port, with a token per seat."""
    from exercise.net.host import Host
    from exercise.net.seats import new_tokens, tickets
    from exercise.session.clock import SessionClock

    shown = new_tokens(session.loaded.scenario)
    host = Host(session, clock or SessionClock(session), tickets(shown))
    url = f"ws://127.0.0.1:{await host.start('127.0.0.1', 0)}"
    return host, url, {seat.label: token for seat, token in shown.items()}


async def console_hosting(app, pilot) -> None:
    """Wait for the facilitator console to be listening, and close the join commands it shows then."""
    for _ in range(100):
        await pilot.pause(0.02)
        if app.hosting.url:
            break
    await pilot.press("escape")
