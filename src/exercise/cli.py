"""The ``exercise`` command line.

Exit codes: 0 success, 1 invalid input (a scenario with errors), 2 usage
errors (click's own convention for bad options and arguments), 3 an internal
error (a bug: reported in one line; EXERCISE_DEBUG=1 shows the traceback).
"""

from __future__ import annotations

import json
import math
import os
import sys
import warnings
from pathlib import Path
from typing import Any, get_args

import click

from exercise import __version__
from exercise.limits import OverLimit
from exercise.plain import visible
from exercise.report.exporters import EXPORTERS
from exercise.scenario.vocabulary import Category, Toolbox


def _echo(message: object = "", *, err: bool = False, nl: bool = True) -> None:
    """Print with every control character shown, not sent: messages quote scenario and journal text."""
    click.echo(visible(message), err=err, nl=nl)


def _warn(message: str) -> None:
    """What replaying a journal has to say (a scenario moved, a model changed under --force)."""
    _echo(f"warning: {message}", err=True)


def _tls_file(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is not None:
        ctx.meta[f"tls:{param.name}"] = value


def _cluster_options(command):  # noqa: ANN001, ANN202 - a click decorator
    """--tls-ca/--tls-cert/--tls-key: the PEM files for a tls:// Dask scheduler (as `dask scheduler` takes them)."""
    for name, text in (("tls_key", "This client's private key (PEM), if not in --tls-cert."),
                       ("tls_cert", "This client's certificate (PEM), for a scheduler that asks for one."),
                       ("tls_ca", "The CA (PEM) that signed the scheduler's and workers' certificates.")):
        command = click.option(f"--{name.replace('_', '-')}", name, type=click.Path(exists=True, dir_okay=False),
                               expose_value=False, callback=_tls_file, help=text)(command)
    return command


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _resolve(name: str) -> Path:
    from exercise.scenario.bundled import bundled_ids, resolve_scenario

    path = resolve_scenario(name)
    if path is None:
        known = ", ".join(bundled_ids()) or "none"
        raise click.UsageError(f"no such file or bundled scenario: {name!r} (bundled: {known})")
    return path


class _Speed(click.FloatRange):
    """A clock speed: NaN passes every comparison of a plain FloatRange, so it is refused by name."""

    def convert(self, value, param, ctx) -> float:  # noqa: ANN001 - click signature
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a speed; give a number from 0.1 to 120", param, ctx)
        return number


_SPEED = _Speed(min=0.1, max=120)


class _Group(click.Group):
    """Turns an unexpected exception into one line and exit code 3, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        warnings.showwarning = _show_warning
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit, KeyboardInterrupt):
            raise
        except BrokenPipeError:
            # The reader went away (e.g. `| head`), which is no error of the input: stop
            # quietly with success, as Python's docs advise for pipes.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(0)
        except OverLimit as exc:
            _echo(f"exercise: {exc}", err=True)
            ctx.exit(1)
        except OSError as exc:
            # A full disk, a read-only folder, a missing directory: the machine's trouble, not a bug.
            where = f"{exc.filename}: " if exc.filename else ""
            _echo(f"exercise: {where}{exc.strerror or exc}", err=True)
            ctx.exit(1)
        except Exception as exc:
            if os.environ.get("EXERCISE_DEBUG"):
                raise
            _echo(f"exercise: internal error: {type(exc).__name__}: {exc}", err=True)
            _echo("This is a bug; EXERCISE_DEBUG=1 shows the traceback to report.", err=True)
            ctx.exit(3)


_python_showwarning = warnings.showwarning


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:  # noqa: ANN001
    """Our own warnings (such as a stale compiled engine) read as a line to the user, not as
    the Python source line that raised them; anybody else's keep Python's form."""
    if category.__module__.startswith("exercise."):
        _echo(f"exercise: warning: {message}", err=True)
    else:
        _python_showwarning(message, category, filename, lineno, file, line)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="exercise")
def main() -> None:
    """Tabletop-exercise simulator for hybrid threats (FIMI, cyber, critical infrastructure)."""


@main.command()
@click.argument("scenarios", nargs=-1, required=True, metavar="SCENARIO...")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
def validate(scenarios: tuple[str, ...], strict: bool) -> None:
    """Check scenario files; problems print as FILE:LINE:COL: message.

    SCENARIO is a path or the id of a bundled scenario.
    """
    from exercise.scenario import ScenarioError, load_scenario
    from exercise.scenario.lint import lint

    failed = False
    for name in scenarios:
        path = _resolve(name)
        scenario_of = _playbook_scenario(path)
        if scenario_of is not None:  # a playbook given where a scenario was expected: check it as one
            failed |= _validate_playbook(path, scenario_of, strict)
            continue
        try:
            loaded = load_scenario(path)
        except ScenarioError as exc:
            for problem in exc.problems:
                _echo(str(problem))
            _echo(f"{path}: invalid ({_count(len(exc.problems), 'error')})", err=True)
            failed = True
            continue
        problems = lint(loaded)
        errors = [p for p in problems if p.severity == "error"]
        warnings = [p for p in problems if p.severity != "error"]
        for problem in problems:
            _echo(str(problem))
        if errors or (strict and warnings):
            failed = True
            _echo(f"{path}: invalid ({_count(len(errors), 'error')}, {_count(len(warnings), 'warning')})",
                       err=True)
        else:
            _echo(f"{path}: valid ({_count(len(warnings), 'warning')})", err=True)
    sys.exit(1 if failed else 0)


def _playbook_scenario(path: str) -> str | None:
    """The scenario a file names if it is a playbook (it has 'rules' and 'scenario', no 'metadata')."""
    from exercise.scenario import ScenarioError
    from exercise.scenario.loader import read_file
    from exercise.scenario.yamlsafe import parse_yaml

    try:
        data = parse_yaml(read_file(path), path, what="playbook").data
    except (ScenarioError, OSError):
        return None  # not readable as YAML: the scenario loader says why
    if isinstance(data, dict) and "rules" in data and "metadata" not in data and isinstance(data.get("scenario"), str):
        return data["scenario"]
    return None


def _validate_playbook(path: str, scenario: str, strict: bool) -> bool:
    """Check a playbook against the scenario it names (a bundled id, or a file beside it); True if it failed."""
    from exercise.scenario import ScenarioError, load_scenario
    from exercise.scenario.playbook import load_playbook

    beside = Path(path).parent / f"{scenario}.yaml"
    target = str(beside) if beside.is_file() else _resolve(scenario)
    _echo(f"{path}: a playbook, checked against scenario {scenario} ({target})", err=True)
    try:
        _, warnings = load_playbook(path, load_scenario(target))
    except ScenarioError as exc:
        for problem in exc.problems:
            _echo(str(problem))
        _echo(f"{path}: invalid playbook ({_count(len(exc.problems), 'error')})", err=True)
        return True
    except OSError as exc:
        _echo(f"{path}: its scenario {scenario!r} could not be read: {exc.strerror}", err=True)
        return True
    for problem in warnings:
        _echo(str(problem))
    failed = strict and bool(warnings)
    _echo(f"{path}: {'invalid' if failed else 'valid'} playbook ({_count(len(warnings), 'warning')})", err=True)
    return failed


def _load_or_exit(name: str):  # noqa: ANN202
    """Load a scenario for running; print its problems and exit 1 if it has errors."""
    from exercise.scenario import ScenarioError, load_scenario
    from exercise.scenario.lint import lint

    path = _resolve(name)
    try:
        loaded = load_scenario(path)
    except ScenarioError as exc:
        _fail(exc.problems)
    errors = [p for p in lint(loaded) if p.severity == "error"]
    if errors:
        _fail(errors)
    return path, loaded


def _fail(problems) -> None:  # noqa: ANN001
    for problem in problems:
        _echo(str(problem), err=True)
    sys.exit(1)


def _playbook_or_exit(name: str, loaded):  # noqa: ANN001, ANN202
    """The playbook NAME names, checked against the scenario, and the file as read (once: what sweeps run)."""
    from exercise.scenario import ScenarioError
    from exercise.scenario.bundled import bundled_playbooks, resolve_playbook
    from exercise.scenario.loader import Source
    from exercise.scenario.playbook import playbook_from_bytes

    scenario_id = loaded.scenario.metadata.id
    path = resolve_playbook(name, scenario_id)
    if path is None:
        known = ", ".join(bundled_playbooks(scenario_id)) or "none"
        raise click.UsageError(f"no such file or bundled playbook: {name!r} (bundled for {scenario_id}: {known})")
    try:
        source = Source.read(path)
        playbook, warnings = playbook_from_bytes(source.raw, source.name, loaded)
    except ScenarioError as exc:
        _fail(exc.problems)
    for warning in warnings:
        _echo(str(warning), err=True)
    return playbook, source


@main.command()
@click.argument("scenario")
@click.option("--seed", type=int, default=1, show_default=True, help="Root seed (the first seed of a batch).")
@click.option("--playbook", help="Scripted team policy: a YAML file, or a bundled one by name (e.g. proactive).")
@click.option("--runs", type=click.IntRange(min=1), help="Monte Carlo: this many runs, seeds SEED, SEED+1, ...")
@click.option("--jobs", type=click.IntRange(min=1), default=os.cpu_count() or 1, show_default="all cores",
              help="Processes for Monte Carlo.")
@click.option("--compare", help="Second playbook, run on the same seeds as --playbook (paired differences).")
@click.option("--scheduler", metavar="tls://HOST:8786",
              help="Run the Monte Carlo on this Dask cluster instead of local processes (pip install -e '.[dask]').")
@_cluster_options
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@click.option("--journal", type=click.Path(dir_okay=False),
              help="Journal of a single run (default: sessions/<scenario>-<time>.jsonl).")
@click.option("--no-journal", is_flag=True, help="Do not write a journal for a single run.")
def simulate(scenario: str, seed: int, playbook: str | None, runs: int | None, jobs: int,
             compare: str | None, scheduler: str | None, as_json: bool, journal: str | None,
             no_journal: bool) -> None:
    """Run SCENARIO headless: one run's timeline, or a Monte Carlo summary with --runs.

    Without a playbook nobody acts (a passive baseline); decision points take
    their default option. A single run writes a journal that `exercise replay`
    and `exercise resume` read.
    """
    _, loaded = _load_or_exit(scenario)
    book, book_source = _playbook_or_exit(playbook, loaded) if playbook else (None, None)
    other, other_source = _playbook_or_exit(compare, loaded) if compare else (None, None)
    if runs is None and compare is None:
        _single_run(loaded, seed, book, book_source, as_json, None if no_journal else journal or "")
        return
    if journal:
        raise click.UsageError("--journal records a single run; it does not go with --runs or --compare")
    if other is not None and book is not None and other.id == book.id and other_source.raw != book_source.raw:
        # Batches are named by playbook id: two policies under one name would be one row in every output.
        raise click.UsageError(f"--playbook and --compare are two playbooks with the same id {book.id!r}: "
                               "give one of them another id")
    _check_scheduler(scheduler)
    from exercise.cli_output import print_batch

    seeds = list(range(seed, seed + (runs or 100)))
    batches = [(book.id if book else "no playbook", book_source)]
    if other is not None:
        batches.append((other.id, other_source))
    print_batch(loaded, seeds, batches, jobs, as_json, scheduler)


def _check_scheduler(scheduler: str | None) -> None:
    """Dask is there, and the cluster is reached as safely as it was set up: a Dask scheduler runs whatever
    its clients send, and the results it returns are unpickled here, so an open tcp:// one on a network is
    anybody's. tls:// with the given certificates is encrypted and authenticated."""
    if scheduler is None:
        return
    try:
        import dask
        import distributed  # noqa: F401
    except ImportError:
        raise click.UsageError("--scheduler runs on a Dask cluster: install it with pip install -e '.[dask]'") from None
    meta = click.get_current_context().meta
    ca, cert, key = (meta.get(f"tls:{name}") for name in ("tls_ca", "tls_cert", "tls_key"))
    if scheduler.startswith("tls://"):
        if ca is None:
            raise click.UsageError("a tls:// scheduler needs --tls-ca (and --tls-cert/--tls-key if it checks clients)")
        # For this command only (click leaves the context when the command ends), not for the process.
        click.get_current_context().with_resource(dask.config.set({
            "distributed.comm.tls.ca-file": ca, "distributed.comm.tls.client.cert": cert,
            "distributed.comm.tls.client.key": key, "distributed.comm.require-encryption": True}))
    elif ca or cert or key:
        raise click.UsageError("--tls-ca, --tls-cert and --tls-key go with a tls:// scheduler")
    else:
        host = scheduler.split("://", 1)[-1].rsplit(":", 1)[0].strip("[]")
        if host not in ("127.0.0.1", "localhost", "::1"):
            _warn(f"{scheduler} is plain tcp://: anyone who reaches it runs code on its workers and can change "
                  "the results; on a shared network use tls:// (README: Sweeps on a Dask cluster)")


def _single_run(loaded, seed: int, book, source, as_json: bool, journal: str | None) -> None:  # noqa: ANN001
    from exercise.cli_output import print_run
    from exercise.session.commands import End
    from exercise.session.views import progress
    from exercise.session.journal import JournalError
    from exercise.session.live import Session, default_journal_path

    session = Session(loaded, seed, book, Path(source.name) if source else None, source.raw if source else None)
    if journal is not None:
        target = Path(journal) if journal else default_journal_path(loaded.scenario.metadata.id)
        try:
            session.start_journal(target)
        except JournalError as exc:
            raise click.UsageError(str(exc)) from None
    session.advance_to(progress(session).end)
    session.submit(End())
    session.close()
    print_run(session, as_json)
    if session.writer is not None:
        _echo(f"journal: {session.writer.path}", err=True)


def _minutes(value: str | None) -> float | None:
    from exercise.scenario.types import parse_duration

    if value is None:
        return None
    try:
        return parse_duration(value.removeprefix("T+"))
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@main.command()
@click.argument("journal", type=click.Path(exists=True, dir_okay=False))
@click.option("--until", help="Stop at this exercise time, e.g. 6h or 1d2h.")
@click.option("--fork-at", help="Branch here: write a new journal with the records up to this time.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Path of the forked journal.")
@click.option("--force", is_flag=True, help="Replay even if the scenario file or the engine model changed since the session.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def replay(journal: str, until: str | None, fork_at: str | None, output: str | None, force: bool,
           as_json: bool) -> None:
    """Rebuild a session from its journal and print its timeline, headless.

    With --fork-at T, a new journal starts from the same session at T, to play
    "what if we had acted earlier" with `exercise resume NEW`.
    """
    from exercise.cli_output import print_run
    from exercise.scenario import ScenarioError
    from exercise.session.journal import JournalError
    from exercise.session.live import default_journal_path
    from exercise.session.live import replay as rebuild

    stop = _minutes(fork_at) if fork_at is not None else _minutes(until)
    try:
        session, _ = rebuild(journal, force=force, until=stop, warn=_warn)
    except (JournalError, ScenarioError) as exc:
        _echo(str(exc), err=True)
        sys.exit(1)
    if fork_at is not None:
        target = Path(output) if output else default_journal_path(session.loaded.scenario.metadata.id)
        try:
            session.fork(target, Path(journal))
        except JournalError as exc:
            raise click.UsageError(str(exc)) from None
        session.close()
        from exercise.session.timeline import clock
        from exercise.session.views import progress

        reached = clock(progress(session).now)
        if progress(session).now < stop:
            _echo(f"warning: the exercise ends at {reached}; forked there, not at T+{fork_at.removeprefix('T+')}",
                       err=True)
        _echo(f"forked at {reached}: {target}")
        _echo(f"continue it with: exercise resume {target}")
        return
    print_run(session, as_json, players=session.player_decisions())


_DECISIONS = click.option(
    "--decisions", type=click.Choice(["pause", "hold", "timed"]),
    help="One rule for every decision point, over the scenario's: pause (the clock stops for everyone until the "
         "team answers), hold (the clock runs; the question is put at once), timed (the default applies at the "
         "deadline).")


def _token(given: str, from_file) -> str:  # noqa: ANN001 - click's file
    """A join token: from --token-file if given, else --token or EXERCISE_TOKEN (stripped)."""
    return (from_file.read() if from_file is not None else given).strip()


_AUTOPLAY = click.option(
    "--autoplay", "autoplay", multiple=True, metavar="TEAM=PLAYBOOK",
    help="A playbook plays this team's seat live (repeat for more teams; one playbook for all of them, a file or a "
         "bundled name such as proactive). A player who joins the seat takes it over; when they leave, the "
         "playbook plays on.")


def _autoplay_or_exit(pairs: tuple[str, ...], loaded) -> dict:  # noqa: ANN001
    """The Session arguments that let a playbook play the named teams' seats live."""
    if not pairs:
        return {}
    teams, names = set(), set()
    for pair in pairs:
        team, sep, name = pair.partition("=")
        if not sep or not team or not name:
            raise click.UsageError(f"--autoplay {pair!r}: write TEAM=PLAYBOOK, e.g. platform=proactive")
        if team not in {t.id for t in loaded.scenario.teams}:
            raise click.UsageError(f"--autoplay {pair!r}: no team {team!r} in {loaded.scenario.metadata.id}")
        teams.add(team)
        names.add(name)
    if len(names) > 1:
        raise click.UsageError(f"--autoplay names {len(names)} playbooks; one session plays one playbook: put the "
                               "teams' rules in one file")
    playbook, source = _playbook_or_exit(names.pop(), loaded)
    return {"playbook": playbook, "playbook_path": Path(source.name), "playbook_raw": source.raw,
            "autoplay": frozenset(teams)}


_LEAD_CONFIRMS = click.option(
    "--lead-confirms", is_flag=True,
    help="Every team's lead confirms its measures and answers: members propose, the lead (a token of their own) "
         "confirms or declines. A scenario can ask it of one team (lead_confirms).")


def _leads(session, lead_confirms: bool) -> frozenset[str]:  # noqa: ANN001
    return frozenset(t.id for t in session.loaded.scenario.teams) if lead_confirms else frozenset()


def _hosting_options(command):  # noqa: ANN001, ANN202
    """--host and its companions, shared by run and resume."""
    for option in reversed([
        click.option("--host", "host", metavar="ADDRESS:PORT",
                     help="Host the session for teams on their own screens (e.g. 127.0.0.1:8765, :8765 for all "
                          "interfaces)."),
        click.option("--certfile", type=click.Path(exists=True, dir_okay=False),
                     help="With --host: TLS certificate (PEM), to serve wss://."),
        click.option("--keyfile", type=click.Path(exists=True, dir_okay=False),
                     help="With --host: its private key, if not in --certfile."),
        click.option("--new-tokens", is_flag=True, help="With --host: new join tokens (the old ones stop working)."),
        _LEAD_CONFIRMS,
    ]):
        command = option(command)
    return command


@main.command()
@click.argument("scenario")
@click.option("--seed", type=int, default=1, show_default=True, help="Root seed.")
@click.option("--journal", type=click.Path(dir_okay=False), help="Journal path (default: sessions/<scenario>-<time>.jsonl).")
@click.option("--speed", type=_SPEED, help="Simulated minutes per second at start (0.1 to 120).")
@_hosting_options
@_AUTOPLAY
@_DECISIONS
def run(scenario: str, seed: int, journal: str | None, speed: float | None, host: str | None,
        certfile: str | None, keyfile: str | None, new_tokens: bool, lead_confirms: bool,
        autoplay: tuple[str, ...], decisions: str | None) -> None:
    """Open the facilitator console on SCENARIO (a path or a bundled id).

    With --host, teams join from their own screens (`exercise join`); j shows their tokens.
    """
    from exercise.session.journal import JournalError
    from exercise.session.live import Session, default_journal_path

    _, loaded = _load_or_exit(scenario)
    session = Session(loaded, seed, **_autoplay_or_exit(autoplay, loaded))
    target = Path(journal) if journal else default_journal_path(loaded.scenario.metadata.id)
    try:
        session.start_journal(target)
    except JournalError as exc:
        raise click.UsageError(str(exc)) from None
    session.wait_for_decisions(decisions)  # pause, hold or timed (click's choices), or the scenario's
    _open_console(session, speed=speed, briefing=True,
                  hosting=_hosting(session, host, certfile, keyfile, new_tokens, lead_confirms))


@main.command()
@click.argument("scenario", required=False)
@click.option("--listen", default="127.0.0.1:8765", show_default=True,
              help="ADDRESS:PORT to accept teams on (':8765' for every interface; put TLS or a proxy in front).")
@click.option("--resume", "journal_in", type=click.Path(exists=True, dir_okay=False),
              help="Host this journal's session again, where it stops (after a crash).")
@click.option("--seed", type=int, default=1, show_default=True, help="Root seed.")
@click.option("--journal", type=click.Path(dir_okay=False), help="Journal path (default: sessions/<scenario>-<time>.jsonl).")
@click.option("--speed", type=_SPEED, help="Simulated minutes per second (0.1 to 120).")
@click.option("--certfile", type=click.Path(exists=True, dir_okay=False), help="TLS certificate (PEM): serve wss://.")
@click.option("--keyfile", type=click.Path(exists=True, dir_okay=False), help="Its private key, if not in --certfile.")
@click.option("--new-tokens", is_flag=True, help="With --resume: make new join tokens (the old ones stop working).")
@_LEAD_CONFIRMS
@_AUTOPLAY
@_DECISIONS
def serve(scenario: str | None, listen: str, journal_in: str | None, seed: int, journal: str | None,
          speed: float | None, certfile: str | None, keyfile: str | None, new_tokens: bool, lead_confirms: bool,
          autoplay: tuple[str, ...], decisions: str | None) -> None:
    """Host SCENARIO for teams that join from their own screens, with no facilitator console.

    The clock runs at its speed from the start; teams join with the commands this prints.
    For a facilitated exercise, use `exercise run SCENARIO --host ADDRESS:PORT` instead.
    """
    import asyncio
    import signal

    from exercise.net.hosting import HostingError, invitations, parse_listen, seating, serve_unattended, tls, url
    from exercise.scenario import ScenarioError
    from exercise.session.clock import SessionClock
    from exercise.session.journal import JournalError
    from exercise.session.live import Session, default_journal_path
    from exercise.session.live import resume as reopen

    if (scenario is None) == (journal_in is None):
        raise click.UsageError("give a SCENARIO to host, or --resume JOURNAL")
    try:
        host, port = parse_listen(listen)
        context = tls(certfile, keyfile)
        if journal_in is not None:
            if autoplay:
                raise click.UsageError("--autoplay goes with a new session; a resumed one plays as its journal says")
            session = reopen(journal_in, warn=_warn)
            speed = speed or session.last_speed()
        else:
            _, loaded = _load_or_exit(scenario)
            session = Session(loaded, seed, **_autoplay_or_exit(autoplay, loaded))
            session.start_journal(Path(journal) if journal else default_journal_path(loaded.scenario.metadata.id))
        seats = seating(session, fresh=new_tokens, leads=_leads(session, lead_confirms))
        session.wait_for_decisions(decisions)  # pause, hold or timed (click's choices), or the journal's
    except (HostingError, JournalError, ScenarioError) as exc:
        _echo(str(exc), err=True)
        sys.exit(1)

    def ready(_host, bound: int) -> None:  # noqa: ANN001
        address = url(host, bound, context is not None)
        _echo(f"hosting {session.loaded.scenario.metadata.id} at {address}; journal: {session.writer.path}")
        for line in invitations(seats, address):
            _echo(line)
        sys.stdout.flush()

    async def main_loop() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await serve_unattended(session, SessionClock(session, speed), seats, host, port, context, ready, stop)

    try:
        asyncio.run(main_loop())
    except OSError as exc:
        _echo(f"cannot listen on {listen}: {exc.strerror or exc}", err=True)
        sys.exit(1)
    finally:
        session.close()
    _echo(f"resume with: exercise serve --resume {session.writer.path}")


@main.command()
@click.argument("scenario", required=False)
@click.option("--cells", "count", type=click.IntRange(2, 100), default=3, show_default=True, help="How many cells.")
@click.option("--listen", default="127.0.0.1:8765", show_default=True, metavar="ADDRESS:PORT",
              help="Where the first cell listens; cell k listens on PORT+k-1.")
@click.option("--seed", type=int, default=1, show_default=True, help="The seed every cell plays.")
@click.option("--paired-seeds", is_flag=True, help="Cell k plays seed SEED+k-1 instead (a paired design).")
@click.option("--dir", "folder", type=click.Path(file_okay=False), help="Where the cells' journals go "
                                                                         "(default: sessions/cohort-<time>).")
@click.option("--speed", type=_SPEED, help="Simulated minutes per second in every cell.")
@click.option("--connect", multiple=True, metavar="URL",
              help="Control cells hosted elsewhere (exercise serve); their control tokens, one 'URL TOKEN' line "
                   "each, come from --tokens-file.")
@click.option("--tokens-file", type=click.File("r", encoding="utf-8"),
              help="With --connect: the cells' control tokens, 'URL TOKEN' per line.")
@_AUTOPLAY
def cohort(scenario: str | None, count: int, listen: str, seed: int, paired_seeds: bool, folder: str | None,
           speed: float | None, connect: tuple[str, ...], tokens_file, autoplay: tuple[str, ...]) -> None:  # noqa: ANN001
    """Host COUNT cells of SCENARIO (one process each, own journal, tokens and clock) and control them from one
    console; or, with --connect, control cells hosted elsewhere."""
    import datetime as dt

    from exercise.net.cells import CellError, plan, revive
    from exercise.net.hosting import HostingError, Seating, invitations, parse_listen
    from exercise.net.seats import load_tickets, seats_path
    from exercise.tui.cohort_app import CohortApp

    if connect:
        if scenario is not None:
            raise click.UsageError("--connect controls cells hosted elsewhere: give --tokens-file, not a SCENARIO")
        tokens = _control_tokens(connect, tokens_file)
        CohortApp([(f"cell-{k}", u, tokens[u]) for k, u in enumerate(connect, start=1)]).run()
        return
    if scenario is None:
        raise click.UsageError("give a SCENARIO to host in cells, or --connect URL ...")
    path, loaded = _load_or_exit(scenario)
    _autoplay_or_exit(autoplay, loaded)  # checked here, once, before any cell starts
    try:
        address, port = parse_listen(listen)
    except HostingError as exc:
        raise click.UsageError(str(exc)) from None
    where = Path(folder) if folder else Path("sessions") / f"cohort-{dt.datetime.now():%Y%m%d-%H%M%S}"
    extra = [*(["--speed", str(speed)] if speed else []), *(a for pair in autoplay for a in ("--autoplay", pair))]
    cells = plan(str(path), count, address, port, where, seed, paired_seeds, extra)
    try:
        for cell in cells:
            cell.start()
            kept, shown = load_tickets(seats_path(cell.journal))
            _echo(f"{cell.name}: {cell.url}; journal: {cell.journal}")
            for line in invitations(Seating(kept, shown), cell.url):
                _echo("  " + line)
        CohortApp([(c.name, c.url, c.control_token()) for c in cells], supervise=lambda: revive(cells)).run()
    except CellError as exc:
        _echo(str(exc), err=True)
        sys.exit(1)
    finally:
        for cell in cells:
            cell.stop()
    _echo(f"the cells' journals are in {where}; the cohort report: exercise report --cohort {where}/cell-*.jsonl")


@main.command()
@click.argument("url")
@click.option("--token", default="", envvar="EXERCISE_TOKEN", show_envvar=True,
              help="The token the facilitator gave your team (asked for if not given). On a shared machine use the "
                   "environment variable or --token-file: a command line is visible to every user in 'ps'.")
@click.option("--token-file", type=click.File("r", encoding="utf-8"), help="Read the token from this file.")
@click.option("--name", default="", help="Your name, as the journal and the report will show it.")
@click.option("--cafile", type=click.Path(exists=True, dir_okay=False),
              help="Trust this CA (PEM) for wss:// (a host with its own certificate).")
def join(url: str, token: str, token_file, name: str, cafile: str | None) -> None:  # noqa: ANN001 - click's file
    """Join a hosted exercise as your team (or as an observer) in the team console."""
    import ssl

    from exercise.tui.team_app import TeamApp

    context = ssl.create_default_context(cafile=cafile) if url.startswith("wss://") else None
    app = TeamApp(url, _token(token, token_file), name, ssl=context)
    app.run()
    if app.refused:
        _echo(f"the host refused to let you in: {app.refused}", err=True)
        sys.exit(1)
    if app.remote.state.ended:
        _echo(app.remote.state.ended)
    if app.return_code not in (None, 0):  # Textual printed what went wrong
        _echo("exercise: the console stopped on an error (above)", err=True)
        sys.exit(3)


@main.command("serve-web")
@click.argument("url")
@click.option("--web", default="127.0.0.1:8000", show_default=True, metavar="ADDRESS:PORT",
              help="Where browsers open the team console.")
@click.option("--token", default="", envvar="EXERCISE_TOKEN", show_envvar=True,
              help="A kiosk for one team: the page joins with this token (else it asks). It reaches the pages "
                   "through the environment, never a command line or the start-up banner.")
@click.option("--token-file", type=click.File("r", encoding="utf-8"), help="Read the kiosk's token from this file.")
@click.option("--public-url", help="The address browsers use, when behind a proxy (e.g. https://ttx.example/).")
def serve_web(url: str, web: str, token: str, token_file, public_url: str | None) -> None:  # noqa: ANN001
    """Let teams play the hosted exercise at URL from a browser (needs: pip install 'exercise[web]')."""
    from exercise.net.hosting import HostingError, parse_listen

    try:
        from exercise.tui.web import serve_team_console
    except ImportError:
        _echo("serve-web needs textual-serve: pip install -e '.[web]'", err=True)
        sys.exit(1)
    try:
        address, port = parse_listen(web)
    except HostingError as exc:
        raise click.UsageError(str(exc)) from None
    _echo(f"teams open http://{address}:{port}/ (each page is one team console on {url})")
    serve_team_console(url, address, port, _token(token, token_file), public_url)


@main.command()
@click.argument("url")
@click.option("--token", default="", envvar="EXERCISE_TOKEN", show_envvar=True,
              help="The room's token (the facilitator's j lists it).")
@click.option("--token-file", type=click.File("r", encoding="utf-8"), help="Read the token from this file.")
@click.option("--cafile", type=click.Path(exists=True, dir_okay=False), help="Trust this CA (PEM) for wss://.")
def room(url: str, token: str, token_file, cafile: str | None) -> None:  # noqa: ANN001 - click's file
    """The room's display for a projector: the clock, the injects to all, the indicators every team sees."""
    import ssl

    from exercise.tui.room_app import RoomApp

    context = ssl.create_default_context(cafile=cafile) if url.startswith("wss://") else None
    token = _token(token, token_file)
    if not token:
        raise click.UsageError("give the room's token: EXERCISE_TOKEN=... or --token-file FILE")
    app = RoomApp(url, token, ssl=context)
    app.run()
    if app.refused:
        _echo(f"the host refused the display: {app.refused}", err=True)
        sys.exit(1)
    if app.remote.state.ended:
        _echo(app.remote.state.ended)
    if app.return_code not in (None, 0):  # Textual printed what went wrong
        _echo("exercise: the console stopped on an error (above)", err=True)
        sys.exit(3)


@main.command()
@click.argument("journal", type=click.Path(exists=True, dir_okay=False))
@click.option("--force", is_flag=True, help="Resume even if the scenario file or the engine model changed since the session.")
@_hosting_options
@_DECISIONS
def resume(journal: str, force: bool, host: str | None, certfile: str | None, keyfile: str | None,
           new_tokens: bool, lead_confirms: bool, decisions: str | None) -> None:
    """Reopen a session where its journal stops, paused (with --host, the teams rejoin with their tokens)."""
    from exercise.scenario import ScenarioError
    from exercise.session.journal import JournalError
    from exercise.session.live import resume as reopen

    try:
        session = reopen(journal, force=force, warn=_warn)
    except (JournalError, ScenarioError) as exc:
        _echo(str(exc), err=True)
        sys.exit(1)
    session.wait_for_decisions(decisions)  # pause, hold or timed (click's choices), or the journal's
    _open_console(session, speed=session.last_speed(), briefing=False,
                  hosting=_hosting(session, host, certfile, keyfile, new_tokens, lead_confirms))


def _hosting(session, listen: str | None, certfile: str | None, keyfile: str | None, fresh: bool,  # noqa: ANN001, ANN202
             lead_confirms: bool = False):
    """Where the console hosts the session, or None; a bad address or certificate is exit 1, journal kept."""
    if listen is None:
        if certfile or keyfile or fresh or lead_confirms:
            raise click.UsageError("--certfile, --keyfile, --new-tokens and --lead-confirms go with --host")
        return None
    from exercise.net.hosting import Hosting, HostingError, parse_listen, seating, tls

    try:
        address, port = parse_listen(listen)
        return Hosting(address, port, tls(certfile, keyfile), seating(session, fresh=fresh,
                                                                      leads=_leads(session, lead_confirms)))
    except HostingError as exc:
        session.close()
        _echo(str(exc), err=True)
        sys.exit(1)


def _open_console(session, *, speed: float | None, briefing: bool, hosting=None) -> None:  # noqa: ANN001
    from exercise.tui.app import ExerciseApp

    app = ExerciseApp(session, speed=speed, briefing=briefing, hosting=hosting)
    try:
        app.run()
    finally:
        session.close()
    _echo(f"journal: {session.writer.path}")
    _echo(f"resume with: exercise resume {session.writer.path}")
    if app.return_code not in (None, 0):  # Textual printed what went wrong; the journal has all that was done
        _echo("exercise: the console stopped on an error (above); the journal is intact", err=True)
        sys.exit(3)


@main.command()
@click.argument("journal", type=click.Path(exists=True, dir_okay=False))
@click.option("--runs", type=click.IntRange(min=2), default=200, show_default=True,
              help="Seeds each variant runs on (the same seeds for the session's policy and the variant).")
@click.option("--later", type=click.FloatRange(min=0.5), default=6.0, show_default=True,  # whatif.LATER_HOURS
              help="Hours later for the 'taken later' variants.")
@click.option("--jobs", type=click.IntRange(min=1), default=os.cpu_count() or 1, show_default="all cores",
              help="Processes.")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True, help="Decisions to list.")
@click.option("--min-effect", type=click.FloatRange(min=0, max=100), default=5.0, show_default=True,
              help="Points of success rate below which a change is not called a decision that mattered.")
@click.option("--scheduler", metavar="tls://HOST:8786", help="Run the variants on this Dask cluster.")
@_cluster_options
@click.option("--json", "as_json", is_flag=True, help="Print every variant as JSON.")
@click.option("--force", is_flag=True, help="Replay even if the scenario or the engine model changed.")
def whatif(journal: str, runs: int, later: float, jobs: int, top: int, min_effect: float, scheduler: str | None,
           as_json: bool, force: bool) -> None:
    """Which decisions mattered: each decision of a session varied alone, on the same seeds.

    The session's decisions are its policy (as `playbook-from` writes it). Each one is
    then taken at once, taken --later hours later, or not taken at all, and each
    decision point answered with its other options; every variant runs against the
    session's own policy on the same --runs seeds, and the changes in the objectives'
    success rates (with 95% intervals) are ranked by size.
    """
    from exercise.cli_whatif import print_whatif
    from exercise.scenario import ScenarioError
    from exercise.session.journal import JournalError
    from exercise.session.live import replay as rebuild
    from exercise.session.policy_from import session_policy

    _check_scheduler(scheduler)
    try:
        session, _ = rebuild(journal, force=force, warn=_warn)
        base, played = session_policy(session, f"The policy played in {Path(journal).name}")
    except (JournalError, ScenarioError) as exc:
        _echo(str(exc), err=True)
        sys.exit(1)
    print_whatif(session.loaded, base, list(range(session.seed, session.seed + runs)), jobs=jobs, later=later,
                 top=top, as_json=as_json, scheduler=scheduler, min_effect=min_effect / 100, played=played)


@main.command()
@click.argument("scenario")
@click.option("--playbook", help="The policy whose outcomes are analysed (a file, or a bundled one by name).")
@click.option("--vary", default="lead_times,approval,detection,success", show_default=True,
              help="Parameter groups: lead_times, approval (of the measures the playbook takes), detection, success "
                   "(of every stage).")
@click.option("--spread", type=click.FloatRange(0.05, 0.95), default=0.5, show_default=True,
              help="Lead times and delays vary by a factor 1 +- SPREAD, probabilities by +- SPREAD/2.")
@click.option("--method", type=click.Choice(["morris", "sobol"]), default="morris", show_default=True,
              help="Morris screening (cheap, ranks), or Sobol indices (many more runs).")
@click.option("--samples", type=click.IntRange(min=2),
              help="Morris trajectories (default 10), or Sobol's base sample (a power of 2, at least 16; default 64).")
@click.option("--seeds", "seed_count", type=click.IntRange(min=1), default=20, show_default=True,
              help="Runs per sample, on the same seeds for every sample.")
@click.option("--top", type=click.IntRange(min=1), default=5, show_default=True, help="Parameters listed per objective.")
@click.option("--svg", "svg_dir", type=click.Path(file_okay=False), help="Also draw a tornado chart per objective here.")
@click.option("--force", is_flag=True, help="Overwrite the charts already in the --svg folder.")
@click.option("--jobs", type=click.IntRange(min=1), default=os.cpu_count() or 1, show_default="all cores",
              help="Processes.")
@click.option("--scheduler", metavar="tls://HOST:8786", help="Run the samples on this Dask cluster.")
@_cluster_options
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def sensitivity(scenario: str, playbook: str | None, vary: str, spread: float, method: str, samples: int | None,
                seed_count: int, top: int, svg_dir: str | None, force: bool, jobs: int, scheduler: str | None,
                as_json: bool) -> None:
    """Which of the scenario's numbers drive each objective (global sensitivity analysis, SALib).

    Varies the lead time and approval odds of each measure the playbook takes and the
    detection delay and success odds of each stage, runs every sample on the same seeds,
    and ranks the parameters by their effect on each objective's success rate: "OBJ-1
    depends mostly on DSA-05's lead time and deepfake.audio's detection delay".
    """
    groups = tuple(g.strip() for g in vary.split(",") if g.strip())
    from exercise.session.sensitivity import GROUPS, sobol_sizes

    try:
        import SALib  # noqa: F401
    except ImportError:
        raise click.UsageError("sensitivity needs SALib: pip install -e '.[sensitivity]'") from None

    unknown = [g for g in groups if g not in GROUPS]
    if unknown or not groups:
        raise click.UsageError(f"--vary takes {', '.join(GROUPS)}; not {', '.join(unknown) or 'nothing'}")
    samples = samples or (10 if method == "morris" else 64)
    if method == "sobol" and (sizes := sobol_sizes(samples)) is not None:
        take = f"{sizes[0]}" if sizes[0] == sizes[1] else f"{sizes[0]} or {sizes[1]}"
        raise click.UsageError(f"--samples {samples}: Sobol's sequence needs a power of two of at least 16; take {take}")
    _check_scheduler(scheduler)
    _, loaded = _load_or_exit(scenario)
    book, book_source = _playbook_or_exit(playbook, loaded) if playbook else (None, None)
    if svg_dir is not None:  # before the long run: the charts follow the rules of -o
        for objective in loaded.scenario.objectives:
            target = Path(svg_dir) / f"{objective.id}.svg"
            if os.path.lexists(target) and (target.is_symlink() or not target.is_file()):
                raise click.UsageError(f"{target} is not a regular file; it is never replaced, even with --force")
            if target.exists() and not force:
                raise click.UsageError(f"{target} exists; use --force to overwrite the charts")
    from exercise.cli_whatif import print_sensitivity

    print_sensitivity(loaded, book, groups, spread=spread, method=method, samples=samples,
                      seeds=list(range(1, seed_count + 1)), top=top, as_json=as_json, svg_dir=svg_dir,
                      playbook_source=book_source, jobs=jobs, scheduler=scheduler)


@main.command()
@click.argument("scenario")
@click.option("--playbook", "playbooks", multiple=True,
              help="A playbook to audit (repeatable); default: every playbook bundled for the scenario.")
@click.option("--runs", type=click.IntRange(min=10), default=200, show_default=True,
              help="Seeds every variant runs on, paired with the playbook as written.")
@click.option("--seed", type=int, default=1, show_default=True, help="First seed.")
@click.option("--jobs", type=click.IntRange(min=1), default=os.cpu_count() or 1, show_default="all cores",
              help="Processes.")
@click.option("--scheduler", metavar="tls://HOST:8786", help="Run the variants on this Dask cluster.")
@_cluster_options
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
def audit(scenario: str, playbooks: tuple[str, ...], runs: int, seed: int, jobs: int, scheduler: str | None,
          as_json: bool) -> None:
    """Does SCENARIO's model teach the right lessons? Perverse timing and omission, and more.

    Each measure a playbook takes is taken at once, later and not at all, on common seeds, and
    compared with the playbook as written (an exact paired test, held to a Bonferroni bound).
    A measure that pays for waiting or for being left out, and says no trade_off, is a fault
    of the model: the exit code is 1. It also notes objectives that depend on one measure or
    on the end time, counters with no scope, indicators nobody can move, objectives always or
    never met.
    """
    from exercise.scenario.bundled import bundled_playbooks
    from exercise.scenario.yamlsafe import parse_yaml
    from exercise.session.audit import ALPHA, PRACTICAL, audit_playbook, static_findings

    _check_scheduler(scheduler)
    _, loaded = _load_or_exit(scenario)
    names = list(playbooks) or bundled_playbooks(loaded.scenario.metadata.id)
    if not names:
        raise click.UsageError("give --playbook: no playbook is bundled for this scenario")
    seeds = list(range(seed, seed + runs))
    audits = []
    for name in names:
        _, source = _playbook_or_exit(name, loaded)
        base = parse_yaml(source.raw, source.name, what="playbook").data
        audits.append(audit_playbook(loaded, source, base, seeds, jobs=jobs, scheduler=scheduler))
    notes = static_findings(loaded)
    if as_json:
        _echo(json.dumps({
            "scenario": loaded.scenario.metadata.id, "seeds": [seeds[0], seeds[-1]], "alpha": ALPHA,
            "practical": PRACTICAL, "failed": any(a.failed for a in audits),
            "playbooks": [{"playbook": a.playbook, "comparisons": a.comparisons,
                           "findings": [vars(f) for f in a.findings]} for a in audits],
            "notes": [vars(f) for f in notes]}, indent=1))
    else:
        for a in audits:
            _echo(f"{a.playbook}: {a.comparisons} comparisons on seeds {seeds[0]}-{seeds[-1]}")
            for f in a.findings or []:
                _echo(f"  {'FAULT' if f.failing else 'note'} [{f.kind}] {visible(f.sentence, one_line=True)}")
            if not any(f.failing for f in a.findings):
                _echo("  no perverse timing or omission")
        for f in notes:
            _echo(f"note [{f.kind}] {visible(f.sentence, one_line=True)}")
    sys.exit(1 if any(a.failed for a in audits) else 0)


@main.command("playbook-from")
@click.argument("journal", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the playbook here instead of stdout.")
@click.option("--id", "playbook_id", help="The playbook's id (default: that of the playbook the session ran, which "
                                          "keeps its rules' dice, else 'session').")
@click.option("--force", is_flag=True, help="Overwrite OUTPUT; replay even if the scenario or the engine model changed.")
def playbook_from(journal: str, output: str | None, playbook_id: str | None, force: bool) -> None:
    """A session's real decisions as a playbook, to run its policy again on many seeds.

    Each measure taken becomes a rule keyed to the inject that prompted it (the one that
    asked for it, else the team's last inject) with the delay the players took; answers
    to decision points become decisions. Run it with `exercise simulate SCENARIO --runs N
    --playbook P.yaml`, or vary it with `exercise whatif JOURNAL`.
    """
    from exercise.scenario import ScenarioError
    from exercise.scenario.playbook import playbook_from_bytes
    from exercise.session.journal import JournalError
    from exercise.session.live import replay as rebuild
    from exercise.session.policy_from import playbook_from_session, to_yaml

    try:
        session, _ = rebuild(journal, force=force, warn=_warn)
        playbook_id = playbook_id or (session.playbook.id if session.playbook is not None else "session")
        data = playbook_from_session(session, playbook_id, f"The policy played in {Path(journal).name}")
        text = to_yaml(data, Path(journal).name)
        playbook_from_bytes(text.encode(), output or "<playbook>", session.loaded)  # it must load as written
    except (JournalError, ScenarioError) as exc:
        _echo(str(exc), err=True)
        sys.exit(1)
    _emit(text, output, force, "playbook")


@main.command()
@click.argument("journal", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@click.option("--cohort", is_flag=True, help="The journals are cells of one scenario (two or more): per objective, "
                                             "each cell's outcome and the decisions that made the difference "
                                             "(md, html, json, xlsx, docx, pdf).")
@click.option("--connect", multiple=True, metavar="URL",
              help="With --cohort: fetch each cell's journal from its host by URL (its control seat's token from "
                   "--tokens-file) instead of reading files.")
@click.option("--tokens-file", type=click.File("r", encoding="utf-8"),
              help="With --connect: the cells' control tokens, 'URL TOKEN' per line.")
@click.option("--scenario", "scenario_file", type=click.Path(exists=True, dir_okay=False),
              help="With --cohort: the scenario file here, for journals recorded on other machines.")
@click.option("--format", "fmt", type=click.Choice(list(EXPORTERS)), default="md", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write to this file instead of stdout (navigator: one file per framework, "
                   "OUTPUT.enterprise-attack.json, OUTPUT.ics-attack.json, OUTPUT.DISARM.json).")
@click.option("--compare", type=click.Path(exists=True, dir_okay=False),
              help="A second journal of the same scenario, shown side by side.")
@click.option("--force", is_flag=True, help="Overwrite OUTPUT; replay even if the scenario or the engine model changed.")
@click.option("--tlp", type=click.Choice(["CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"], case_sensitive=False),
              default="AMBER", show_default=True, help="The report's handling level (TLP 2.0), on every page.")
@click.option("--contact", help="The report's point of contact, e.g. 'Exercise director, ttx@example.gov'.")
@click.option("--place", help="Where the exercise was conducted, e.g. 'Ministry of the Interior, Tallinn'.")
@click.option("--paper", type=click.Choice(["a4", "letter"]), default="a4", show_default=True,
              help="Page size of the Word and PDF reports.")
@click.option("--monte-carlo", "monte_carlo", type=click.Path(exists=True, dir_okay=False),
              help="Add a Monte Carlo section from `exercise simulate --runs N --json` (same scenario; every format).")
@click.option("--whatif", "whatif_json", type=click.Path(exists=True, dir_okay=False),
              help="Add 'Decisions that mattered' from `exercise whatif JOURNAL --json` (every format).")
def report(journal: tuple[str, ...], cohort: bool, connect: tuple[str, ...], tokens_file, scenario_file: str | None,  # noqa: ANN001
           fmt: str, output: str | None, compare: str | None, force: bool, tlp: str, contact: str | None,
           place: str | None, paper: str, monte_carlo: str | None, whatif_json: str | None) -> None:
    """After-Action Report / Improvement Plan of a session, from its journal; with --cohort, the cohort report of
    several cells' journals."""
    from exercise.report.session import report_from_journal
    from exercise.scenario import ScenarioError
    from exercise.session.journal import JournalError

    if cohort:
        fetched = _fetch_journals(connect, tokens_file) if connect else []
        try:
            _cohort_report([*journal, *fetched], fmt, output, force, scenario_file)
        finally:
            if fetched:  # the cells' journals were copies for this report: none is left lying about
                import shutil

                shutil.rmtree(Path(fetched[0]).parent, ignore_errors=True)
        return
    if connect or scenario_file:
        raise click.UsageError("--connect and --scenario go with --cohort")
    if len(journal) != 1:
        raise click.UsageError("one journal, or several with --cohort")
    path = journal[0]
    try:
        marks = {"tlp": tlp.upper(), "contact": contact, "place": place}
        data = report_from_journal(path, force=force, warn=_warn, **marks)
        other = report_from_journal(compare, force=force, warn=_warn, **marks) if compare else None
    except (JournalError, ScenarioError) as exc:
        _echo(str(exc), err=True)
        sys.exit(1)
    if other is not None:
        if not EXPORTERS[fmt].compares:
            raise click.UsageError(f"--format {fmt} holds one session's threat picture: export each journal on its "
                                   "own (--compare shows two sessions in md, html, json, docx, pdf and xlsx)")
        if other.overview.scenario_id != data.overview.scenario_id:
            raise click.UsageError("--compare needs a journal of the same scenario")
        from exercise.report.compare import comparison

        data = data.model_copy(update={"comparison": comparison(data, other)})
    if whatif_json is not None:
        from pydantic import ValidationError

        from exercise.report.whatif import whatif_section

        try:
            found = json.loads(Path(whatif_json).read_text(encoding="utf-8"))
            if not isinstance(found, dict) or found.get("scenario") != data.overview.scenario_id:
                raise ValueError(f"not a whatif result of {data.overview.scenario_id}")
            data = data.model_copy(update={"whatif": whatif_section(found)})
        except (OSError, ValueError, KeyError, TypeError, ValidationError) as exc:
            _echo(f"{whatif_json}: {visible(_problem(exc), one_line=True)[:300]}", err=True)
            sys.exit(1)
    if monte_carlo is not None:
        from exercise.report.montecarlo import monte_carlo_section

        try:
            found = json.loads(Path(monte_carlo).read_text(encoding="utf-8"))
            data = data.model_copy(update={"monte_carlo": monte_carlo_section(found, data.overview.scenario_id)})
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:  # a ValidationError is a ValueError
            _echo(f"{monte_carlo}: {visible(_problem(exc), one_line=True)[:300]}", err=True)
            sys.exit(1)
    if EXPORTERS[fmt].binary and output is None:
        raise click.UsageError(f"--format {fmt} is a file, not text: give -o FILE{EXPORTERS[fmt].suffix}")
    if fmt == "navigator" and output is not None:
        # One layer file per framework, each loadable on its own (the DISARM Navigator reads one layer).
        from exercise.report.navigator import layer_files

        stem = output.removesuffix(".json")
        for domain, text in layer_files(data).items():
            _emit(text, f"{stem}.{domain}.json", force, "layer")
        return
    options = {"paper": paper} if EXPORTERS[fmt].paged else {}
    _emit(EXPORTERS[fmt].export(data, other, **options), output, force, "report")


def _control_tokens(urls: tuple[str, ...], tokens_file) -> dict[str, str]:  # noqa: ANN001 - click's file
    """Each URL's control token, from a 'URL TOKEN' per line file."""
    if tokens_file is None:
        raise click.UsageError("--connect needs --tokens-file: the cells' control tokens, 'URL TOKEN' per line")
    tokens = dict(line.split(None, 1) for line in tokens_file.read().splitlines() if line.strip())
    missing = [u for u in urls if u not in tokens]
    if missing:
        raise click.UsageError(f"no control token for {missing[0]} in the tokens file")
    return {u: tokens[u].strip() for u in urls}


def _fetch_journals(urls: tuple[str, ...], tokens_file) -> list[str]:  # noqa: ANN001
    """Each cell's journal, fetched from its host through its control seat into a private folder."""
    import asyncio
    import tempfile

    from exercise.net.client import CommandError, RefusedError, Remote
    from exercise.private import write_private

    tokens = _control_tokens(urls, tokens_file)
    folder = Path(tempfile.mkdtemp(prefix="exercise-cohort-"))

    async def fetch(k: int, url: str) -> str:
        remote = Remote(url, tokens[url], "cohort report")
        remote.start()
        try:
            await remote.until(lambda s: s.connected, timeout=30)
            text = await remote.fetch_journal()
        finally:
            await remote.stop()
        path = folder / f"cell-{k}.jsonl"
        write_private(path, text)
        return str(path)

    async def every() -> list[str]:
        return [await fetch(k, url) for k, url in enumerate(urls, start=1)]

    try:
        return asyncio.run(every())
    except (CommandError, RefusedError, TimeoutError, OSError) as exc:
        _echo(f"cannot fetch a cell's journal: {exc}", err=True)
        sys.exit(1)


def _cohort_report(journals: list[str], fmt: str, output: str | None, force: bool,
                   scenario: str | None = None) -> None:
    from exercise.report.cohort import BINARY, FORMATS, cohort
    from exercise.scenario import ScenarioError
    from exercise.session.journal import JournalError

    if fmt not in FORMATS:
        raise click.UsageError(f"a cohort report is written as {', '.join(FORMATS)}, not {fmt}")
    if fmt in BINARY and output is None:
        raise click.UsageError(f"--format {fmt} is a file, not text: give -o FILE.{fmt}")
    try:
        found = cohort(journals, force=force, warn=_warn, scenario=scenario)
    except (JournalError, ScenarioError) as exc:
        _echo(str(exc), err=True)
        sys.exit(1)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    _emit(FORMATS[fmt](found), output, force, "cohort report")


@main.command()
@click.argument("scenario")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file instead of stdout.")
@click.option("--force", is_flag=True, help="Overwrite OUTPUT.")
@click.option("--evaluators", is_flag=True, help="The evaluators' sheets (Exercise Evaluation Guides) instead: one "
                                                  "per evaluator seat, with the critical tasks of its teams.")
@click.option("--pdf", "as_pdf", is_flag=True, help="With --evaluators: as PDF, to print (needs -o).")
@click.option("--paper", type=click.Choice(["a4", "letter"]), default="a4", show_default=True,
              help="The PDF's paper size.")
def guide(scenario: str, output: str | None, force: bool, evaluators: bool, as_pdf: bool, paper: str) -> None:
    """Print the facilitator guide of SCENARIO (Markdown), or with --evaluators the evaluator sheets."""
    from exercise.report.guide import render_guide

    if as_pdf and not evaluators:
        raise click.UsageError("--pdf prints the evaluator sheets: add --evaluators")
    if as_pdf and output is None:
        raise click.UsageError("a PDF goes to a file: add -o SHEETS.pdf")
    _, loaded = _load_or_exit(scenario)
    if evaluators:
        from exercise.report.evaluation import evaluator_markdown, evaluator_pdf

        sheets = evaluator_pdf(loaded.scenario, paper) if as_pdf else evaluator_markdown(loaded.scenario)
        _emit(sheets, output, force, "evaluator sheets")
        return
    _emit(render_guide(loaded.scenario), output, force, "guide")


def _problem(exc: Exception) -> str:
    """What is wrong with an input file, in a line: a model's complaints as 'where: what', else the error."""
    from pydantic import ValidationError

    if isinstance(exc, ValidationError):
        return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'the file'}: {e['msg']}" for e in exc.errors()[:3])
    if isinstance(exc, json.JSONDecodeError):
        return f"not JSON ({exc.msg}, line {exc.lineno})"
    return str(exc)


def _emit(text: str | bytes, output: str | None, force: bool, what: str) -> None:
    """Print ``text``, or write it to ``output`` atomically, never over a file without --force."""
    from exercise.report.files import NotAFile, write_atomically

    if output is None:
        _echo(text, nl=False)
        return
    try:
        write_atomically(Path(output), text, force=force)
    except FileExistsError:
        raise click.UsageError(f"{output} exists; use --force to overwrite it") from None
    except NotAFile as exc:
        raise click.UsageError(str(exc)) from None
    _echo(f"{what}: {output}", err=True)


@main.command()
@click.argument("old", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True, help="The migrated scenario.")
@click.option("--force", is_flag=True, help="Overwrite OUTPUT.")
def migrate(old: str, output: str, force: bool) -> None:
    """Bring a scenario of an earlier format to the current one: what is certain is done (technique ids
    named with their framework, renamed keys, provenance skeletons); what needs you prints as FILE:LINE:COL."""
    from exercise.scenario import ScenarioError
    from exercise.scenario.lint import lint
    from exercise.scenario.loader import read_file, scenario_from_bytes
    from exercise.scenario.migrate import migrate as migrated

    try:
        new, decisions = migrated(read_file(old))
    except Exception as exc:  # noqa: BLE001 - ruamel's parse errors have no common base; say it in one line
        _echo(f"{old}: cannot be read as YAML: {visible(str(exc), one_line=True)[:300]}", err=True)
        sys.exit(1)
    for decision in decisions:
        _echo(f"{decision.where(old)} (decide)")
    _emit(new, output, force, "migrated")
    try:
        problems = lint(scenario_from_bytes(new, output))
    except ScenarioError as exc:
        for problem in exc.problems:
            _echo(str(problem))
        _echo(f"{output}: still invalid ({_count(len(exc.problems), 'error')}): fix these by hand", err=True)
        sys.exit(1)
    for problem in problems:
        _echo(str(problem))
    errors = [p for p in problems if p.severity == "error"]
    _echo(f"{output}: {'invalid' if errors else 'valid'} ({_count(len(decisions), 'decision')} to make)", err=True)
    sys.exit(1 if errors else 0)


@main.group()
def msel() -> None:
    """The Master Scenario Events List as a spreadsheet: export it, edit it in Excel, import it back."""


@msel.command("export")
@click.argument("scenario")
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True,
              help="The spreadsheet to write: .xlsx (with sheets for teams, objectives and measures) or .csv.")
@click.option("--columns", type=click.Choice(["full", "hseep", "conducttr", "rempar"]), default="full",
              show_default=True, help="Which column set: ours, HSEEP's MSEL, Conducttr's import, REMPAR's.")
@click.option("--force", is_flag=True, help="Overwrite OUTPUT.")
def msel_export(scenario: str, output: str, columns: str, force: bool) -> None:
    """One row per inject of SCENARIO, in exercise order, in the columns planners use."""
    from exercise.scenario.msel_files import export

    _, loaded = _load_or_exit(scenario)
    try:
        data = export(loaded, Path(output), columns)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    _emit(data, output, force, f"MSEL ({columns} columns)")


@msel.command("import")
@click.argument("spreadsheet", type=click.Path(exists=True, dir_okay=False))
@click.option("--into", "into", required=True, help="The scenario the MSEL belongs to (a path or a bundled id).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True,
              help="Where to write the scenario with the sheet's injects (never over a file without --force).")
@click.option("--map", "mapping", help="Your own template's headers: 'Heure=time,Message=message,N°=id' "
                                       "(fields: id, time, from, channel, to, title, message, expects, objectives, "
                                       "notes, questions, severity, module).")
@click.option("--force", is_flag=True, help="Overwrite OUTPUT.")
def msel_import(spreadsheet: str, into: str, output: str, mapping: str | None, force: bool) -> None:
    """Read an MSEL spreadsheet (.xlsx or .csv) back into a scenario: what changed, and new rows as injects.

    Every cell is checked first; a problem prints as FILE:Sheet!CELL: message and nothing is written."""
    from exercise.scenario.msel_files import import_msel

    _, loaded = _load_or_exit(into)
    pairs = None
    if mapping:
        try:
            pairs = dict(part.split("=", 1) for part in mapping.split(",") if part.strip())
        except ValueError:
            raise click.UsageError("--map takes 'HEADER=field,HEADER=field'") from None
    try:
        new, messages = import_msel(Path(spreadsheet), loaded, pairs)
    except (ValueError, OSError) as exc:
        _echo(f"{spreadsheet}: {visible(str(exc), one_line=True)}", err=True)
        sys.exit(1)
    for message in messages:
        _echo(visible(message, one_line=True))
    if new is None:
        _echo(f"{spreadsheet}: not imported; nothing written", err=True)
        sys.exit(1)
    _emit(new, output, force, "scenario")


@main.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file instead of stdout.")
@click.option("--playbook", is_flag=True, help="The schema of playbook files instead of scenarios.")
@click.option("--wire", is_flag=True, help="The schema (2020-12) of the messages between a host and its clients.")
@click.option("--force", is_flag=True, help="Overwrite OUTPUT.")
def schema(output: str | None, playbook: bool, wire: bool, force: bool) -> None:
    """Print the JSON Schema (draft-07) of scenario (or playbook) files, for editors.

    With --wire: the messages of hosted play, both ways, for whoever writes a client.
    """
    from exercise.scenario.schema import playbook_schema, scenario_schema, schema_text

    if playbook and wire:
        raise click.UsageError("--playbook and --wire each name one schema: give one")
    if wire:
        from exercise.net.wire import schema as wire_schema

        _emit(schema_text(wire_schema()), output, force, "schema")
        return
    _emit(schema_text(playbook_schema() if playbook else scenario_schema()), output, force, "schema")


@main.command()
@click.option("--toolbox", type=click.Choice(get_args(Toolbox)), help="Only this toolbox.")
@click.option("--category", type=click.Choice(get_args(Category)), help="Only this category.")
@click.option("--scenario", "scenario", help="The measures as SCENARIO has them: its adjustments and custom measures.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--tags", "tags", is_flag=True,
              help="List the tags counters act on (the vocabulary stages and measures share) instead.")
def catalogue(toolbox: str | None, category: str | None, scenario: str | None, as_json: bool, tags: bool) -> None:
    """List the response measures teams can take: who decides, legal basis, preconditions, lead time."""
    from rich.table import Table
    from rich.text import Text

    from exercise.scenario.catalogue import (
        TOOLBOX_NAMES, establishes_in_words, lead_time_provenance, load_catalogue, load_findings, load_tags,
    )
    from exercise.scenario.distributions import describe

    if tags:
        vocabulary = load_tags()
        acting = {t: sorted(m.id for m in load_catalogue().values() if t in m.counters.tags) for t in vocabulary}
        if as_json:
            _echo(json.dumps([{**t.model_dump(mode="json"), "measures": acting[t.id]} for t in vocabulary.values()],
                             indent=2))
            return
        for t in vocabulary.values():
            _echo(f"{t.id}: {t.description}\n    acted on by: {', '.join(acting[t.id]) or '(no catalogue measure)'}")
        return

    if scenario is not None:
        _, loaded = _load_or_exit(scenario)
        pool, changed = loaded.responses, set(loaded.scenario.responses.adjust)
        custom = {r.id for r in loaded.scenario.responses.custom}
        findings = loaded.findings
    else:
        pool, changed, custom = load_catalogue(), set(), set()
        findings = load_findings()
    measures = [
        m for m in pool.values()
        if (toolbox is None or m.toolbox == toolbox) and (category is None or m.category == category)
    ]
    if as_json:
        rows = []
        for m in measures:
            row = m.model_dump(mode="json", by_alias=True)
            row["lead_time_provenance"] = lead_time_provenance(m)
            row["needs_findings"] = [findings[f].model_dump(mode="json", exclude={"when"}) for f in m.needs]
            if scenario is not None:
                row["origin"] = "custom" if m.id in custom else "adjusted" if m.id in changed else "catalogue"
            rows.append(row)
        _echo(json.dumps(rows, indent=2))
        return
    if not measures:
        _echo("no measure matches", err=True)
        sys.exit(1)
    from exercise.terminal import Console

    console = Console()
    for box in TOOLBOX_NAMES:
        rows = [m for m in measures if m.toolbox == box]
        if not rows:
            continue
        table = Table(title=f"{TOOLBOX_NAMES[box]} ({len(rows)})", title_justify="left", expand=True)
        table.add_column("id", no_wrap=True, style="bold")
        table.add_column("measure", ratio=3)
        table.add_column("lead time", ratio=1, min_width=15)
        table.add_column("decided by", ratio=2)
        table.add_column("legal basis", ratio=2)
        for m in rows:
            measure = Text(visible(m.name, one_line=True))
            if m.id in custom or m.id in changed:
                measure.append(" (custom)" if m.id in custom else " (adjusted here)", style="italic")
            measure.append(f"\n{m.category}; requires: {visible(m.requires or 'nothing', one_line=True)}", style="dim")
            if m.needs:
                measure.append("\nneeds: " + "; ".join(visible(findings[f].name, one_line=True) for f in m.needs),
                               style="dim")
            if m.establishes or m.may_establish:
                measure.append("\nestablishes: " + "; ".join(visible(words, one_line=True)
                                                             for words in establishes_in_words(m, findings)),
                               style="dim")
            if m.counters.domains:
                measure.append("\nacts on: " + ", ".join(m.counters.tags or ["nothing (no tags)"]), style="dim")
            lead = Text(describe(m.lead_time))
            lead.append(f"\n{lead_time_provenance(m)}", style="dim")
            table.add_row(m.id, measure, lead, Text(visible(f"{m.decided_by} ({m.procedure.replace('_', ' ')})")),
                          Text(visible(m.legal_basis or "-")))
        console.print(table)


if __name__ == "__main__":  # pragma: no cover
    main()
