"""The session journal: an append-only JSONL file, the source of truth of a live session.

Line 1 is a header (tool version, scenario id, path and sha256, seed,
playbook); every later line is one command someone gave (see ``commands.py``:
a measure, a decision, a note, a facilitator inject, a clock change, a rating...). Each record
is written, flushed and fsynced before the caller returns, so anything the UI
has shown as done survives a crash or ``kill -9``. A torn last line (a crash
mid-write) is dropped with a warning when the journal is read.
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from exercise.limits import JOURNAL_ENV, LINE_ENV, journal_limit, line_limit, too_big
from exercise.plain import visible
from exercise.private import read_private, write_private
from exercise.session.commands import COMMANDS, Command, command_adapter, parse_command
from exercise.session.records import check_header

# Format 2 added who acted (``by``) and the facilitator's adjustments (defer, end_measure,
# mark_met, undo); a format 1 journal reads as the facilitator's own actions.
FORMAT = 2
READS = (1, 2)


class JournalError(Exception):
    """A journal that cannot be used: unreadable, not a journal, for another scenario, or in use."""


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def _fsync_dir(folder: Path) -> None:
    """Make a new file's directory entry durable too: a crash right after creation keeps the file."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass  # some file systems cannot fsync a directory; the file itself is synced
    finally:
        os.close(handle)


def _pid_file(path: Path) -> Path:
    return path.with_name(path.name + ".pid")


class JournalWriter:
    """Appends records durably. One writer per file at a time, enforced by an exclusive lock.

    The lock (``flock`` on the journal itself) is held for as long as the writer is
    open; a second writer is refused, naming the holder's PID from ``JOURNAL.pid``.
    Readers (report, replay) need no lock: they only ever read whole lines.
    """

    def __init__(self, path: Path, *, create: bool) -> None:
        self.path = path
        if create:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except FileExistsError:  # a file where a folder should be: not "a journal exists there"
                raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(path.parent)) from None
        # O_EXCL refuses to clobber an existing journal; O_APPEND only ever appends.
        # A raw descriptor, not a buffered file: a failed write leaves nothing queued
        # to be written later, glued to the next record.
        flags = os.O_WRONLY | os.O_APPEND | (os.O_CREAT | os.O_EXCL if create else 0)
        # 0600: a journal holds what people said and decided in the room, for the facilitator's account alone.
        self._fd: int | None = os.open(path, flags, 0o600)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(self._fd)
            self._fd = None
            raise JournalError(f"{path}: another exercise session is writing this journal "
                               f"({_holder(path)}); close it first, or fork it with "
                               f"exercise replay {path} --fork-at T") from None
        try:
            write_private(_pid_file(path), f"{os.getpid()}\n")
        except OSError:
            pass  # only for the message a second writer gets (a symlink there is left alone)
        if create:
            _fsync_dir(path.parent)

    def append(self, record: dict[str, Any]) -> None:
        """Write one line and fsync it; on failure, cut the file back to where it was, then raise."""
        data = (json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n").encode("utf-8")
        fd = self._fd
        if fd is None:
            raise OSError(f"{self.path}: the journal is closed")
        start = os.fstat(fd).st_size
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        except OSError:
            try:
                os.ftruncate(fd, start)
            except OSError:
                pass  # a torn line is dropped when the journal is next read
            raise

    def close(self) -> None:
        if self._fd is not None:
            _pid_file(self.path).unlink(missing_ok=True)
            os.close(self._fd)  # closing releases the lock
            self._fd = None


def _holder(path: Path) -> str:
    try:
        return f"PID {int(read_private(_pid_file(path), 100).split()[0])}"
    except (OSError, ValueError, IndexError):
        return "another process"


@dataclass
class Journal:
    path: Path
    header: dict[str, Any]
    records: list[Command]
    warnings: list[str]
    good_bytes: int  # length of the intact part; anything after it is a torn line
    lines: list[int] = field(default_factory=list)  # the line number of each record, for messages


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number a journal may hold")


def _parse(line: bytes) -> Any:
    return json.loads(line.decode("utf-8"), parse_constant=_no_constant)


def _quick(line: bytes) -> Command | None:
    """A record read and checked in one step by pydantic's JSON parser, or None.

    Three times faster than json.loads and then validating the dict, which matters for a
    journal of 100,000 decisions. Anything it does not accept outright (and any NaN or
    Infinity, which json.loads is told to refuse) goes the slow way, which says what is
    wrong, so every message stays as it was.
    """
    if b"NaN" in line or b"Infinity" in line:
        return None
    try:
        command = command_adapter().validate_json(line)
    except ValidationError:
        return None
    return command if command.t is not None and command.at is not None else None


def _problem(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(p) for p in first["loc"] if p not in ("command",))
    if where.split(".")[0] in COMMANDS:  # the union's branch name: the record's kind, not a field
        where = ".".join(where.split(".")[1:])
    message = first["msg"].removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


def read_journal(path: str | Path) -> Journal:
    """Read and check a journal: size first, then line by line, each against its schema."""
    path = Path(path)
    limit, per_line = journal_limit(), line_limit()
    try:
        # Non-blocking, to look before reading: a FIFO (or a device) would block the open or the read forever.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise JournalError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise JournalError(f"{path}: not a regular file; a journal is a file the session wrote")
    os.set_blocking(fd, True)
    with os.fdopen(fd, "rb") as handle:
        try:
            size = os.fstat(handle.fileno()).st_size
        except OSError as exc:
            raise JournalError(f"{path}: cannot read: {exc.strerror or exc}") from None
        if size > limit:
            raise JournalError(f"{path}: {too_big(size, limit, env=JOURNAL_ENV)}")
        raw_lines: list[bytes] = []
        total = 0
        while True:
            line = handle.readline(per_line + 1)
            if not line:
                break
            total += len(line)
            if total > limit:
                raise JournalError(f"{path}: {too_big(total, limit, at_least=True, env=JOURNAL_ENV)}")
            if len(line) > per_line and not line.endswith(b"\n"):
                raise JournalError(f"{path}:{len(raw_lines) + 1}: a record of "
                                   f"{too_big(len(line), per_line, at_least=True, env=LINE_ENV)}")
            raw_lines.append(line)
    warnings: list[str] = []
    good = total
    if raw_lines and not raw_lines[-1].endswith(b"\n"):
        good -= len(raw_lines[-1])
        warnings.append(f"{path}: ignoring a torn last line ({len(raw_lines[-1])} bytes after the last complete record)")
        raw_lines.pop()
    parsed: list[tuple[int, dict[str, Any] | Command]] = []
    for number, line in enumerate(raw_lines, start=1):
        command = _quick(line) if number > 1 else None
        if command is not None:
            parsed.append((number, command))
            continue
        try:
            record = _parse(line)
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            if number == len(raw_lines):  # a complete but garbled last line: the tail of a crash too
                warnings.append(f"{path}:{number}: ignoring an unreadable last line ({_short(exc)})")
                good -= len(line)
                break
            raise JournalError(f"{path}:{number}: not a JSON record: {_short(exc)}") from None
        if not isinstance(record, dict) or not isinstance(record.get("kind"), str):
            if number == 1:
                raise JournalError(f"{path}: not an exercise journal (the first line must be its header)")
            raise JournalError(f"{path}:{number}: a record must be a JSON object with a 'kind'")
        parsed.append((number, record))
    first = parsed.pop(0)[1] if parsed else None
    if not isinstance(first, dict) or first.get("kind") != "header":
        raise JournalError(f"{path}: not an exercise journal (the first line must be its header)")
    header = first
    if header.get("format") not in READS:
        raise JournalError(f"{path}: journal format {visible(repr(header.get('format')))}; "
                           f"this version reads formats {' and '.join(map(str, READS))}")
    try:
        check_header(header)
    except ValidationError as exc:
        raise JournalError(f"{path}:1: the header's {visible(_problem(exc))}") from None
    last = 0.0
    records = []
    for number, record in parsed:
        # A record read on the quick path is valid and stamped already.
        command = record if isinstance(record, Command) else _command(path, number, record)
        if command.minute < last:
            raise JournalError(f"{path}:{number}: time T+{command.minute:g} min is before the previous "
                               f"record's T+{last:g} min; records must be in time order")
        last = command.minute
        records.append(command)
    return Journal(path, header, records, warnings, good, [n for n, _ in parsed])


def _command(path: str | Path, number: int, record: dict[str, Any]) -> Command:
    """A journal line as its command; JournalError says which line and why not."""
    if record["kind"] not in COMMANDS:
        raise JournalError(f"{path}:{number}: unknown record kind {visible(repr(record['kind']))[:80]}")
    try:
        command = parse_command(record)
    except ValidationError as exc:
        raise JournalError(f"{path}:{number}: {record['kind']} record: {visible(_problem(exc))}") from None
    for stamp in ("t", "at"):
        if getattr(command, stamp) is None:
            raise JournalError(f"{path}:{number}: {record['kind']} record: {stamp}: Field required")
    return command


def _short(exc: BaseException) -> str:
    text = visible(str(exc), one_line=True)
    return text if len(text) <= 120 else text[:117] + "..."


def drop_torn_tail(journal: Journal) -> None:
    """Cut a torn last line off the file, so that new records start on a fresh line.

    Only ever called by the holder of the journal's lock (``resume``), after it has
    re-read the journal under that lock: it never cuts what another writer confirmed.
    """
    if journal.path.stat().st_size > journal.good_bytes:
        with open(journal.path, "r+b") as handle:
            handle.truncate(journal.good_bytes)
            handle.flush()
            os.fsync(handle.fileno())
