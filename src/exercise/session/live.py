"""A session: a world plus its journal. Every action is journaled before it counts as done.

Every action is a command (``commands.py``) given through ``Session.submit``:
the console, headless runs and replay all use that one door, so a resumed or
replayed session is the one that was played.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from exercise import __version__
from exercise.engine.events import Kind
from exercise.engine.world import MODEL, MODELS, EngineError, World
from exercise.collector import quiet_collector
from exercise.plain import visible
from exercise.scenario.errors import ScenarioError
from exercise.scenario.loader import LoadedScenario, load_scenario, read_file
from exercise.scenario.models import WaitingRule
from exercise.scenario.playbook import Playbook, playbook_from_bytes
from exercise.session.commands import (
    Clock, Command, DecisionRule, Feedback, Note, Observe, PlaybookDecision, Rating, Read, RefusedError, Undo,
)
from exercise.session.journal import FORMAT, Journal, JournalError, JournalWriter, drop_torn_tail, now_iso, read_journal
from exercise.session.policy import apply_playbook


def default_journal_path(scenario_id: str, folder: Path = Path("sessions")) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = folder / f"{scenario_id}-{stamp}.jsonl"
    n = 1
    while path.exists():
        n += 1
        path = folder / f"{scenario_id}-{stamp}-{n}.jsonl"
    return path


class Session:
    """One played (or replayed) exercise: a world, and the commands given to it so far."""

    def __init__(self, loaded: LoadedScenario, seed: int, playbook: Playbook | None = None,
                 playbook_path: Path | None = None, playbook_raw: bytes | None = None, *, model: int = MODEL,
                 autoplay: frozenset[str] | None = None) -> None:
        self.loaded = loaded
        # Live autoplay: the playbook plays only these teams' seats (None: every team, a headless run).
        self.autoplay = autoplay
        self.model = model  # the engine's rules this session runs under: a resumed journal keeps its own
        loaded.located.release()  # a session keeps its scenario for hours: not its YAML nodes
        self.seed = seed
        self.playbook = playbook
        self.playbook_path = playbook_path
        # The playbook's bytes as played: its digest in the journal, and what a what-if varies, even if
        # the file changes during the session.
        if playbook_raw is None and playbook is not None and playbook_path is not None:
            playbook_raw = read_file(playbook_path)
        self.playbook_raw = playbook_raw
        self.world = self._new_world()
        self.records: list[Command] = []  # every command given, in journal order, undone ones included
        # Kept as records come, so that an undo costs the same in a long journal as in a short one:
        self._undone: set[int] = set()  # positions of the records taken back
        self._standing_undoable: list[int] = []  # positions of undoable records still standing, in order
        self.writer: JournalWriter | None = None
        self.journal_header: dict[str, Any] | None = None
        self.replayed = 0  # how many journal records were submitted again (replay and resume)
        self.diverged = False  # a replayed playbook decision was not re-made as journaled
        self.started = False  # the world has run its T+0 (see submit)
        self.generation = 0  # bumped when an undo rebuilds the world: views built before are stale
        # The facilitator's rule for every decision point (pause, hold, timed), over the scenario's own.
        self.decision_rule: WaitingRule | None = None
        self.version = 0  # bumped at every change told to the subscribers: a cache of a view keys on it
        self._observers: list[Callable[[], None]] = []
        self._holding = 0  # inside submit: tell the subscribers once, when it is done
        self._held = False

    def _new_world(self) -> World:
        world = World(self.loaded, self.seed, model=self.model)
        if self.playbook is not None:
            apply_playbook(world, self.playbook, self.autoplay)
        return world

    # --- who follows it -----------------------------------------------------------------

    def subscribe(self, observer: Callable[[], None]) -> Callable[[], None]:
        """Call ``observer`` after every change (a command, the clock moving); returns the unsubscribe.

        The observer is told *that* something changed, on the thread that changed it; what
        changed, for whom, it reads from ``updates.update`` or the views. A burst of changes
        (a command that also moves the clock) is told once.
        """
        self._observers.append(observer)
        return lambda: self._observers.remove(observer) if observer in self._observers else None

    def changed(self) -> None:
        """Tell the subscribers that the session changed (the clock calls it when it starts or stops)."""
        if self._holding:
            self._held = True
            return
        self.version += 1
        for observer in tuple(self._observers):
            observer()

    # --- the journal -------------------------------------------------------------------

    def header(self) -> dict[str, Any]:
        header = {
            "kind": "header", "format": FORMAT, "tool": f"exercise {__version__}", "engine": self.model,
            "created": now_iso(), "session": uuid.uuid4().hex,
            "scenario": {"id": self.loaded.scenario.metadata.id, "sha256": self.loaded.sha256,
                         "path": str(Path(self.loaded.path).resolve())},
            "seed": self.world.seed, "playbook": None,
        }
        if self.playbook is not None and self.playbook_path is not None and self.playbook_raw is not None:
            played: dict[str, Any] = {"id": self.playbook.id, "path": str(Path(self.playbook_path).resolve()),
                                      "sha256": hashlib.sha256(self.playbook_raw).hexdigest()}
            if self.autoplay is not None:
                played["teams"] = sorted(self.autoplay)
            header["playbook"] = played
        return header

    def start_journal(self, path: Path, extra: dict[str, Any] | None = None) -> None:
        """Create the journal (never over an existing file) and write the header."""
        try:
            self.writer = JournalWriter(path, create=True)
        except FileExistsError:
            raise JournalError(f"{path}: a journal already exists there; choose another path") from None
        self.journal_header = {**self.header(), **(extra or {})}
        self.writer.append(self.journal_header)

    def _commit(self, command: Command) -> None:
        if self.writer is not None:
            self.writer.append(command.record())  # first: what is not on disk did not happen
        self._record(command)

    def _record(self, command: Command) -> None:
        if isinstance(command, Undo):
            self._undone.add(command.undoes)
            if self._standing_undoable and self._standing_undoable[-1] == command.undoes:
                self._standing_undoable.pop()
        elif command.undoable:
            self._standing_undoable.append(len(self.records))
        self.records.append(command)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()

    # --- the one door ------------------------------------------------------------------

    def submit(self, command: Command, *, journaled: bool = False) -> Command:
        """Check a command, journal it (fsync), then apply it; return it as journaled.

        Raises EngineError (RefusedError when who sent it may not) and changes nothing
        if it is refused or the journal cannot be written. ``journaled``: the command
        comes from the journal (replay, resume): it runs at its own time and is not
        written again. The subscribers hear of it once, when it is done (or refused after
        T+0 ran).
        """
        self._holding += 1
        try:
            return self._submit(command, journaled)
        finally:
            self._holding -= 1
            if self._held and not self._holding:
                self._held = False
                self.changed()

    def _submit(self, command: Command, journaled: bool) -> Command:
        opened = False
        if not self.started and (command.changes_world or _is_opening(command)):
            # T+0 happens before anyone acts on the world, live and in replay alike: else a
            # command at T+0 could run before the opening events live, after them in a replay.
            self.advance_to(0.0)
            opened = True
        if journaled:
            if command.minute > self.world.now:
                # Only forward: a second action at the same instant was taken before the events the
                # first one scheduled for that instant ran, so replay must not run them first either.
                self.advance_to(command.minute)
            position, self.replayed = self.replayed, self.replayed + 1
            if isinstance(command, PlaybookDecision):
                self._check_remade(position, command)
                return command
        else:
            if command.by.role == "playbook":
                raise RefusedError("only the playbook takes playbook decisions")
            command = command.model_copy(update={"t": self.world.now, "at": now_iso()})
        try:
            command.authorise(self)
            command.check(self)
        except EngineError:
            if opened and not journaled:
                # Refused, but T+0 has run (and a playbook may have acted then): say where, so
                # that a replay opens T+0 at the same point among the records.
                self._commit(Clock(t=0.0, at=now_iso(), action="jump", value=0.0))
            raise
        if journaled:
            self._record(command)
        else:
            self._commit(command)
        command.apply(self)
        self.changed()
        return command

    def _check_remade(self, position: int, journaled: PlaybookDecision) -> None:
        """The playbook re-made its decisions while replay advanced: they must be the journaled ones."""
        remade = self.records[position] if position < len(self.records) else None
        same = (isinstance(remade, PlaybookDecision)
                and (remade.t, remade.team, remade.response) == (journaled.t, journaled.team, journaled.response))
        if not same:
            self.diverged = True
            if remade is None:  # keep positions aligned with the journal's, for undo
                self._record(journaled)

    # --- what the commands need ------------------------------------------------------------

    def undone(self) -> set[int]:
        return set(self._undone)

    def standing(self) -> list[Command]:
        """The commands that still count: not undone, and not an undo."""
        undone = self.undone()
        return [c for i, c in enumerate(self.records) if i not in undone and not isinstance(c, Undo)]

    def last_undoable(self) -> int | None:
        return self._standing_undoable[-1] if self._standing_undoable else None

    def rebuild(self) -> None:
        """After an undo: the world again from T+0 with the actions still standing, up to now.

        Only the last action standing can be undone, so everything re-applied was
        given before it, to a world in the same state as when it was first given.
        """
        now, undone = self.world.now, self._undone
        self.generation += 1
        self.world = self._new_world()
        self.world.advance_to(0.0)  # as submit did before the first command
        for i, command in enumerate(self.records):
            if command.changes_world and i not in undone:
                if command.minute > self.world.now:
                    self.world.advance_to(command.minute)
                command.apply(self)
        self.world.advance_to(now)

    @property
    def notes(self) -> list[Note]:
        return [c for c in self.standing() if isinstance(c, Note)]

    @property
    def observations(self) -> list[Observe]:
        """The evaluators' marks on critical tasks still standing, in the order given (a later mark of the same
        task, team and evaluator corrects an earlier one)."""
        return [c for c in self.standing() if isinstance(c, Observe)]

    @property
    def feedback(self) -> list[Feedback]:
        """The participants' feedback forms, in the order given (one person may send a second, fuller one)."""
        return [c for c in self.standing() if isinstance(c, Feedback)]

    def ratings_given(self) -> list[Rating]:
        """Every rating still standing, in the order given: several evaluators may rate one objective."""
        return [c for c in self.standing() if isinstance(c, Rating)]

    @property
    def ratings(self) -> dict[str, Rating]:
        return {c.objective: c for c in self.standing() if isinstance(c, Rating)}

    def read_items(self) -> set[str]:
        """The feed items the facilitator has opened (teams' reads are their receipts, not the console's)."""
        return {c.item for c in self.records if isinstance(c, Read) and c.by.role == "facilitator"}

    def receipts(self, item: str) -> dict[str, float]:
        """Who of the teams opened a feed item first, and when: 'comms (Cleo)' -> exercise minute."""
        out: dict[str, float] = {}
        for c in self.records:
            if isinstance(c, Read) and c.item == item and c.by.role == "team":
                out.setdefault(c.by.label(), c.minute)
        return out

    def wait_for_decisions(self, rule: WaitingRule | None) -> None:
        """The facilitator's rule for every decision point, journaled (None: keep the journal's, else the
        scenario's)."""
        if rule is not None and rule != self.decision_rule:
            self.submit(DecisionRule(rule=rule))

    def last_speed(self) -> float | None:
        speeds = [c.value for c in self.records if isinstance(c, Clock) and c.action == "speed"]
        return speeds[-1] if speeds else None

    def player_decisions(self) -> int:
        """How many actions people took (not a playbook): what a replay's heading reports."""
        return sum(c.changes_world and c.by.role != "playbook" for c in self.standing())

    # --- time --------------------------------------------------------------------------

    def advance_to(self, t: float, stop=None) -> None:  # noqa: ANN001
        self.started = True
        count, before = len(self.world.events), self.world.now
        self.world.advance_to(t, stop)
        # Playbook moves happen inside the engine; journal them too, for readers and checks.
        for event in self.world.events[count:]:
            if event.kind == Kind.RESPONSE_TAKEN and event.data["source"] == "playbook":
                self._commit(PlaybookDecision(t=event.t, at=now_iso(), team=event.data["team"],
                                              response=event.data["response"], note=event.data["note"]))
        if self.world.now != before or len(self.world.events) != count:
            self.changed()

    def next_inject(self) -> float | None:
        """Run until the next inject is delivered (scheduled, triggered or detected) or the end.

        Returns the time it stopped at, or None if nothing was delivered. Journaled as a
        clock record of where it stopped, so a replay stops there too.
        """
        world = self.world
        count = len(world.events)
        delivered = lambda: any(e.kind == Kind.INJECT_DELIVERED for e in world.events[count:])  # noqa: E731
        self.advance_to(world.end, stop=delivered)
        self.submit(Clock(action="jump", value=world.now))
        return world.now if delivered() else None

    def fork(self, path: Path, fork_of: Path) -> None:
        """Start a new journal holding this session's records so far (a counterfactual branch).

        It ends with a clock record at the fork time, so that the branch resumes
        there and not at its last recorded action (or at T+0 for a headless run).
        """
        self.start_journal(path, {"forked_from": str(Path(fork_of).resolve()), "fork_at": self.world.now})
        writer = self.writer
        assert writer is not None  # start_journal made it
        for command in self.records:
            writer.append(command.record())
        self._commit(Clock(t=self.world.now, at=now_iso(), action="fork", value=self.world.now))


def _is_opening(command: Command) -> bool:
    """A journal record that says T+0 had run when it was written: a playbook's move (it acts as T+0
    runs), or the mark a refused command leaves when it opened T+0 (see ``Session.submit``)."""
    return isinstance(command, PlaybookDecision) or (
        isinstance(command, Clock) and command.action == "jump" and command.t == 0.0 and command.value == 0.0)


def _check_unchanged(path: Path, recorded: str, now: str, force: bool, warn) -> None:  # noqa: ANN001
    """A file the journal names (scenario, playbook) must be the one it was recorded with."""
    if now == recorded:
        return
    # Not the file's digest now: a journal from elsewhere may name any file here, and its digest would be
    # an oracle for that file's content.
    message = f"{path} has changed since the session was recorded (the journal holds sha256 {recorded})"
    if not force:
        raise JournalError(message + "; use --force to replay it anyway")
    warn(message + "; replaying anyway (--force), results may differ")


T = TypeVar("T")


def _named(journal: Path, what: str, path: Path, load: Callable[[], T]) -> T:
    """Load a file the journal's header names. Its problems are not quoted: a journal from elsewhere may
    name any file on this machine, and the reader's complaints would show its content."""
    if path.suffix.lower() not in (".yaml", ".yml"):
        raise JournalError(f"{journal}: the {what} it names, {path}, is not a YAML file")
    try:
        return load()
    except ScenarioError as exc:
        raise JournalError(f"{journal}: the {what} it names, {path}, does not load ({len(exc.problems)} "
                           f"problem(s)); check it with `exercise validate`") from None


def replay(path: str | Path, *, force: bool = False, until: float | None = None,
           warn=lambda message: None, scenario: str | Path | None = None) -> tuple[Session, Journal]:  # noqa: ANN001
    """Rebuild the session a journal records (up to sim time ``until``); ``scenario``: the scenario file here,
    for a journal recorded on another machine (it must be the one recorded: its sha256 is checked)."""
    with quiet_collector():
        return _replay(path, force=force, until=until, warn=warn, scenario=scenario)


def _replay(path: str | Path, *, force: bool, until: float | None, warn,  # noqa: ANN001
            scenario: str | Path | None = None) -> tuple[Session, Journal]:
    journal = read_journal(path)
    for message in journal.warnings:
        warn(message)
    header = journal.header
    scenario_path = Path(scenario) if scenario is not None else Path(header["scenario"]["path"])
    if not scenario_path.is_file():
        # Journals travel (a facilitator's laptop, an evaluator's); a bundled scenario
        # with the same id will do, and the sha256 check below says if it differs.
        from exercise.scenario.bundled import resolve_scenario

        bundled = resolve_scenario(header["scenario"]["id"])
        if bundled is None:
            raise JournalError(f"{journal.path}: the scenario it names is gone: {scenario_path}")
        warn(f"{scenario_path} is not here; using the bundled scenario {bundled}")
        scenario_path = bundled
    loaded = _named(journal.path, "scenario", scenario_path, lambda: load_scenario(scenario_path))
    _check_unchanged(scenario_path, header["scenario"]["sha256"], loaded.sha256, force, warn)
    recorded = header.get("engine", 1)  # journals before the field ran model 1
    if recorded not in MODELS:
        message = (f"{journal.path} was recorded with engine model {recorded}; this version runs model {MODEL}, "
                   "whose dice differ")
        if not force:
            raise JournalError(message + "; use --force to replay it anyway")
        warn(message + "; replaying anyway (--force), results will differ")
    playbook = playbook_path = None
    if header.get("playbook"):
        playbook_path = Path(header["playbook"]["path"])
        raw = _named(journal.path, "playbook", playbook_path, lambda: read_file(playbook_path))
        _check_unchanged(playbook_path, header["playbook"]["sha256"], hashlib.sha256(raw).hexdigest(), force, warn)
        playbook = _named(journal.path, "playbook", playbook_path,
                          lambda: playbook_from_bytes(raw, str(playbook_path), loaded)[0])
    # A model this engine still runs replays the journal under its own rules; another (under --force) under ours.
    model = recorded if recorded in MODELS else MODEL
    teams = header["playbook"].get("teams") if header.get("playbook") else None
    autoplay = frozenset(str(t) for t in teams) if isinstance(teams, list) else None
    session = Session(loaded, int(header["seed"]), playbook, playbook_path, None if playbook is None else raw,
                      model=model, autoplay=autoplay)
    session.journal_header = header
    for number, command in zip(journal.lines, journal.records, strict=True):
        if until is not None and command.minute > until:
            break
        try:
            session.submit(command, journaled=True)
        except EngineError as exc:
            if not force:
                raise JournalError(f"{journal.path}:{number}: this {command.kind} record cannot be replayed: "
                                   f"{visible(str(exc))}") from None
            warn(f"skipping a record that no longer applies: {visible(str(exc))}")
    if until is not None:
        session.advance_to(until)
    if session.diverged:
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


__all__ = ["EngineError", "Session", "default_journal_path", "replay", "resume"]
