"""Journals recorded by earlier versions replay to exactly the event logs they gave then.

``tests/data/journals`` holds journals of the bundled scenarios covering every
record kind (measures, targeted measures, decisions, deliveries, ad-hoc injects,
notes, ratings, clock changes, reads, a playbook, a fork), and the sha256 of the
event log each replayed to when it was recorded. A change to how sessions apply
what people did must leave these logs unchanged. ``scenarios/`` holds the scenario files as
they were recorded with (the bundled ones have changed since), so the corpus also shows that a
journal of an older engine model still replays under that model's rules.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from exercise.engine.events import log_to_jsonl
from exercise.session.live import replay

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "journals"
EXPECTED = json.loads((CORPUS / "event-logs.sha256.json").read_text(encoding="utf-8"))


def _here(journal: Path, tmp_path: Path) -> Path:
    """The corpus names repo-relative files; point them at this checkout."""
    lines = journal.read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    for ref in (header["scenario"], header.get("playbook")):
        if ref:
            ref["path"] = str(ROOT / ref["path"])
    lines[0] = json.dumps(header)
    copy = tmp_path / journal.name
    copy.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return copy


def test_the_corpus_is_complete() -> None:
    assert sorted(EXPECTED) == sorted(p.name for p in CORPUS.glob("*.jsonl"))
    kinds = {json.loads(line)["kind"] for p in CORPUS.glob("*.jsonl") for line in p.read_text().splitlines()}
    assert kinds >= {"header", "decision", "choice", "deliver", "inject", "note", "clock", "rating", "read",
                     "end", "playbook_decision"}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_journal_replays_to_its_recorded_log(name: str, tmp_path: Path) -> None:
    warnings: list[str] = []
    session, _ = replay(_here(CORPUS / name, tmp_path), warn=warnings.append)
    assert warnings == []
    assert hashlib.sha256(log_to_jsonl(session.world.events).encode()).hexdigest() == EXPECTED[name]
