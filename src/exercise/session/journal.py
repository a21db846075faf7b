"""The session journal: an append-only JSONL file, the source of truth of a live session.

Line 1 is a header (tool version, scenario id, path and sha256, seed,
playbook); every later line is one record of something a person did (a
decision, a note, a facilitator inject, a clock change, a rating). Each record
is written, flushed and fsynced before the caller returns, so anything the UI
has shown as done survives a crash or ``kill -9``. A torn last line (a crash
mid-write) is dropped with a warning when the journal is read.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FORMAT = 1

# Record kinds and what replay does with them.
APPLIED = {"decision", "choice", "deliver", "inject"}  # re-applied to the world on replay
CHECKED = {"playbook_decision"}  # re-created by the playbook; replay checks they match
KEPT = {"note", "clock", "rating", "end", "read"}  # kept for the report and the console; no effect on the world


class JournalError(Exception):
    """A journal that cannot be used: unreadable, not a journal, or for another scenario."""


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


class JournalWriter:
    """Appends records durably. One writer per file at a time."""

    def __init__(self, path: Path, *, create: bool) -> None:
        self.path = path
        if create:
            path.parent.mkdir(parents=True, exist_ok=True)
        # "x" refuses to clobber an existing journal; "a" only ever appends.
        self._file = open(path, "x" if create else "a", encoding="utf-8")  # noqa: SIM115 - kept open

    def append(self, record: dict[str, Any]) -> None:
        line = json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        self._file.write(line + "\n")
        self._file.flush()
        os.fsync(self._file.fileno())

    def close(self) -> None:
        if not self._file.closed:
            self._file.close()


@dataclass
class Journal:
    path: Path
    header: dict[str, Any]
    records: list[dict[str, Any]]
    warnings: list[str]
    good_bytes: int  # length of the intact part; anything after it is a torn line


def read_journal(path: str | Path) -> Journal:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise JournalError(f"{path}: cannot read: {exc.strerror or exc}") from None
    warnings: list[str] = []
    good = raw.rfind(b"\n") + 1
    if good < len(raw):
        warnings.append(f"{path}: ignoring a torn last line ({len(raw) - good} bytes after the last complete record)")
    lines = raw[:good].split(b"\n")[:-1]
    records: list[dict[str, Any]] = []
    for number, line in enumerate(lines, start=1):
        try:
            record = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            if number == len(lines):  # a complete but garbled last line: the tail of a crash too
                warnings.append(f"{path}:{number}: ignoring an unreadable last line ({exc})")
                good -= len(line) + 1
                break
            raise JournalError(f"{path}:{number}: not a JSON record: {exc}") from None
        if not isinstance(record, dict) or "kind" not in record:
            raise JournalError(f"{path}:{number}: a record must be a JSON object with a 'kind'")
        records.append(record)
    if not records or records[0].get("kind") != "header":
        raise JournalError(f"{path}: not an exercise journal (the first line must be its header)")
    header = records.pop(0)
    if header.get("format") != FORMAT:
        raise JournalError(f"{path}: journal format {header.get('format')!r}; this version reads format {FORMAT}")
    for number, record in enumerate(records, start=2):
        if record["kind"] not in APPLIED | CHECKED | KEPT:
            raise JournalError(f"{path}:{number}: unknown record kind {record['kind']!r}")
    return Journal(path, header, records, warnings, good)


def drop_torn_tail(journal: Journal) -> None:
    """Cut a torn last line off the file, so that new records start on a fresh line."""
    if journal.path.stat().st_size > journal.good_bytes:
        with open(journal.path, "r+b") as handle:
            handle.truncate(journal.good_bytes)
            handle.flush()
            os.fsync(handle.fileno())
