"""A session: a world plus its journal. Every action is journaled before it counts as done.

The TUI and headless runs go through ``Session``; replaying a journal calls
the same methods, so a resumed or replayed session is the one that was played.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Any

from exercise import __version__
from exercise.engine.events import Kind
from exercise.engine.world import MODEL, EngineError, World
from exercise.plain import visible
from exercise.scenario.loader import LoadedScenario, load_scenario, read_file
from exercise.scenario.playbook import Playbook, playbook_from_bytes
from exercise.session.journal import (
    APPLIED, Journal, JournalError, JournalWriter, drop_torn_tail, now_iso, read_journal,
)
from exercise.session.policy import apply_playbook

RATINGS = {
    "P": "Performed without Challenges",
    "S": "Performed with Some Challenges",
    "M": "Performed with Major Challenges",
    "U": "Unable to be Performed",
}


def default_journal_path(scenario_id: str, folder: Path = Path("sessions")) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = folder / f"{scenario_id}-{stamp}.jsonl"
    n = 1
    while path.exists():
        n += 1
        path = folder / f"{scenario_id}-{stamp}-{n}.jsonl"
    return path


class Session:
    """One played (or replayed) exercise."""

    def __init__(self, loaded: LoadedScenario, seed: int, playbook: Playbook | None = None,
                 playbook_path: Path | None = None) -> None:
        self.loaded = loaded
        self.world = World(loaded, seed)
        self.playbook = playbook
        self.playbook_path = playbook_path
        if playbook is not None:
            apply_playbook(self.world, playbook)
        self.notes: list[dict[str, Any]] = []
        self.ratings: dict[str, dict[str, Any]] = {}
        self.records: list[dict[str, Any]] = []
        self.writer: JournalWriter | None = None
        self.journal_header: dict[str, Any] | None = None

    # --- the journal -------------------------------------------------------------------

    def header(self) -> dict[str, Any]:
        header = {
            "kind": "header", "format": 1, "tool": f"exercise {__version__}", "engine": MODEL, "created": now_iso(),
            "scenario": {"id": self.loaded.scenario.metadata.id, "sha256": self.loaded.sha256,
                         "path": str(Path(self.loaded.path).resolve())},
            "seed": self.world.seed, "playbook": None,
        }
        if self.playbook is not None:
            header["playbook"] = {"id": self.playbook.id, "path": str(Path(self.playbook_path).resolve()),
                                  "sha256": hashlib.sha256(Path(self.playbook_path).read_bytes()).hexdigest()}
        return header

    def start_journal(self, path: Path, extra: dict[str, Any] | None = None) -> None:
        """Create the journal (never over an existing file) and write the header."""
        try:
            self.writer = JournalWriter(path, create=True)
        except FileExistsError:
            raise JournalError(f"{path}: a journal already exists there; choose another path") from None
        self.journal_header = {**self.header(), **(extra or {})}
        self.writer.append(self.journal_header)

    def _record(self, kind: str, t: float | None = None, **fields: Any) -> dict[str, Any]:
        record = {"kind": kind, "t": self.world.now if t is None else t, "at": now_iso(), **fields}
        if self.writer is not None:
            self.writer.append(record)  # first: what is not on disk did not happen
        self.records.append(record)
        return record

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()

    # --- what people do -------------------------------------------------------------------

    def advance_to(self, t: float, stop=None) -> None:  # noqa: ANN001
        count = len(self.world.events)
        self.world.advance_to(t, stop)
        # Playbook moves happen inside the engine; journal them too, for readers and checks.
        for event in self.world.events[count:]:
            if event.kind == Kind.RESPONSE_TAKEN and event.data["source"] == "playbook":
                self._record("playbook_decision", t=event.t, team=event.data["team"],
                             response=event.data["response"], note=event.data["note"])

    # Each action is checked, then journaled, then applied: if the journal cannot be
    # written (a full disk), the action is not applied and the caller is told.

    def take_response(self, team: str, response: str, note: str = "", target: str | None = None) -> None:
        self.world.check_take(team, response, target)
        against = {} if target is None else {"target": target}
        self._record("decision", team=team, response=response, note=note, **against)
        self.world.take_response(team, response, note=note, source="player", target=target)

    def decide(self, inject: str, option: str, note: str = "", shown_at: str | None = None) -> None:
        """A team answers a decision point; ``shown_at``: when the question was put to it (wall clock),
        so that the report can say how long the team deliberated while the clock was paused."""
        self.world.check_decision(inject, option)
        extra = {"shown_at": shown_at} if shown_at else {}
        self._record("choice", inject=inject, option=option, note=note, **extra)
        self.world.decide(inject, option, note=note)

    def deliver_now(self, inject: str) -> None:
        self.world.check_deliver(inject)
        self._record("deliver", inject=inject)
        self.world.deliver_now(inject)

    def adhoc_inject(self, title: str, body: str, to: list[str], severity: str = "medium") -> None:
        self.world.check_adhoc(to, severity)
        self._record("inject", title=title, body=body, to=list(to), severity=severity)
        self.world.adhoc_inject(title, body, to, severity)

    def note(self, text: str, team: str | None = None) -> None:
        self.notes.append(self._record("note", text=text, team=team))

    def mark_read(self, item: str) -> None:
        """The facilitator opened a feed item: a resumed console shows it as read."""
        self._record("read", item=item)

    def read_items(self) -> set[str]:
        return {r["item"] for r in self.records if r["kind"] == "read"}

    def last_speed(self) -> float | None:
        speeds = [r["value"] for r in self.records if r["kind"] == "clock" and r["action"] == "speed"]
        return speeds[-1] if speeds else None

    def clock(self, action: str, value: float | None = None) -> None:
        self._record("clock", action=action, value=value)

    def next_inject(self) -> float | None:
        """Run until the next inject is delivered (scheduled, triggered or detected) or the end.

        Returns the time it stopped at, or None if nothing was delivered. Journaled as a
        clock record of where it stopped, so a replay stops there too.
        """
        world = self.world
        count = len(world.events)
        delivered = lambda: any(e.kind == Kind.INJECT_DELIVERED for e in world.events[count:])  # noqa: E731
        self.advance_to(world.end, stop=delivered)
        self._record("clock", action="jump", value=world.now)
        return world.now if delivered() else None

    def end(self) -> None:
        """Mark the journal as complete (the exercise was played to its end, or stopped)."""
        self._record("end")

    def fork(self, path: Path, fork_of: Path) -> None:
        """Start a new journal holding this session's records so far (a counterfactual branch).

        It ends with a clock record at the fork time, so that the branch resumes
        there and not at its last recorded action (or at T+0 for a headless run).
        """
        self.start_journal(path, {"forked_from": str(Path(fork_of).resolve()), "fork_at": self.world.now})
        for record in self.records:
            self.writer.append(record)
        self.writer.append({"kind": "clock", "t": self.world.now, "at": now_iso(), "action": "fork",
                            "value": self.world.now})

    def player_decisions(self) -> int:
        """How many actions people took (not a playbook): what a replay's heading reports."""
        return sum(r["kind"] in APPLIED for r in self.records)

    def rate(self, objective: str, rating: str, comment: str = "") -> None:
        self._check_rating(objective, rating)
        self.ratings[objective] = self._record("rating", objective=objective, rating=rating, comment=comment)

    def _check_rating(self, objective: str, rating: str) -> None:
        if rating not in RATINGS:
            raise EngineError(f"rating must be one of {', '.join(RATINGS)}")
        if objective not in {o.id for o in self.loaded.scenario.objectives}:
            raise EngineError(f"unknown objective {objective!r}")

    # --- replay ------------------------------------------------------------------------

    def apply(self, record: dict[str, Any]) -> None:
        """Re-do one journaled action (journal not written: it is already there)."""
        kind, t = record["kind"], record.get("t", self.world.now)
        if t > self.world.now:
            # Only forward: a second action at the same instant was taken before the events the
            # first one scheduled for that instant ran, so replay must not run them first either.
            self.advance_to(t)
        if kind == "decision":
            self.world.take_response(record["team"], record["response"], note=record["note"], source="player",
                                     target=record.get("target"))
        elif kind == "choice":
            self.world.decide(record["inject"], record["option"], note=record.get("note", ""))
        elif kind == "deliver":
            self.world.deliver_now(record["inject"])
        elif kind == "inject":
            self.world.adhoc_inject(record["title"], record["body"], record["to"], record["severity"])
        elif kind == "note":
            self.notes.append(record)
        elif kind == "rating":
            self._check_rating(record["objective"], record["rating"])
            self.ratings[record["objective"]] = record
        if kind != "playbook_decision":  # those were re-created by advance_to above
            self.records.append(record)


def _check_unchanged(path: Path, recorded: str, now: str, force: bool, warn) -> None:  # noqa: ANN001
    """A file the journal names (scenario, playbook) must be the one it was recorded with."""
    if now == recorded:
        return
    message = f"{path} has changed since the session was recorded (journal: sha256 {recorded}, file now: sha256 {now})"
    if not force:
        raise JournalError(message + "; use --force to replay it anyway")
    warn(message + "; replaying anyway (--force), results may differ")


def replay(path: str | Path, *, force: bool = False, until: float | None = None,
           warn=lambda message: None) -> tuple[Session, Journal]:  # noqa: ANN001
    """Rebuild the session a journal records (up to sim time ``until``)."""
    journal = read_journal(path)
    for message in journal.warnings:
        warn(message)
    header = journal.header
    scenario_path = Path(header["scenario"]["path"])
    if not scenario_path.is_file():
        # Journals travel (a facilitator's laptop, an evaluator's); a bundled scenario
        # with the same id will do, and the sha256 check below says if it differs.
        from exercise.scenario.bundled import resolve_scenario

        bundled = resolve_scenario(header["scenario"]["id"])
        if bundled is None:
            raise JournalError(f"{journal.path}: the scenario it names is gone: {scenario_path}")
        warn(f"{scenario_path} is not here; using the bundled scenario {bundled}")
        scenario_path = bundled
    loaded = load_scenario(scenario_path)
    _check_unchanged(scenario_path, header["scenario"]["sha256"], loaded.sha256, force, warn)
    recorded = header.get("engine", 1)  # journals before the field ran model 1
    if recorded != MODEL:
        message = (f"{journal.path} was recorded with engine model {recorded}; this version runs model {MODEL}, "
                   "whose dice differ")
        if not force:
            raise JournalError(message + "; use --force to replay it anyway")
        warn(message + "; replaying anyway (--force), results will differ")
    playbook = playbook_path = None
    if header.get("playbook"):
        playbook_path = Path(header["playbook"]["path"])
        raw = read_file(playbook_path)
        _check_unchanged(playbook_path, header["playbook"]["sha256"], hashlib.sha256(raw).hexdigest(), force, warn)
        playbook = playbook_from_bytes(raw, str(playbook_path), loaded)[0]
    session = Session(loaded, int(header["seed"]), playbook, playbook_path)
    session.journal_header = header
    expected = []
    for number, record in zip(journal.lines, journal.records, strict=True):
        if until is not None and record.get("t", 0) > until:
            break
        if record["kind"] == "playbook_decision":
            expected.append((record["t"], record["team"], record["response"]))
        try:
            session.apply(record)
        except EngineError as exc:
            if not force:
                raise JournalError(f"{journal.path}:{number}: this {record['kind']} record cannot be replayed: "
                                   f"{visible(str(exc))}") from None
            warn(f"skipping a record that no longer applies: {visible(str(exc))}")
    if until is not None:
        session.advance_to(until)
    rebuilt = [(e.t, e.data["team"], e.data["response"]) for e in session.world.events
               if e.kind == Kind.RESPONSE_TAKEN and e.data["source"] == "playbook"]
    if expected != rebuilt[: len(expected)]:
        warn("the playbook's decisions differ from those journaled; the replay is not the recorded run")
    return session, journal


def resume(path: str | Path, *, force: bool = False, warn=lambda message: None) -> Session:  # noqa: ANN001
    """Take the journal's lock, replay it, repair a torn tail, then keep appending to it.

    The lock comes first: a second resume of the same journal is refused before it
    reads or cuts anything another session has confirmed.
    """
    writer = JournalWriter(Path(path), create=False)
    try:
        session, journal = replay(path, force=force, warn=warn)
        drop_torn_tail(journal)
    except BaseException:
        writer.close()
        raise
    session.writer = writer
    return session


__all__ = ["APPLIED", "RATINGS", "EngineError", "Session", "default_journal_path", "replay", "resume"]
