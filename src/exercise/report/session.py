"""A report from a journal: replay it, then build the report data."""

from __future__ import annotations

from pathlib import Path

from exercise.collector import quiet_collector
from exercise.report.sections import report_of
from exercise.report.model import Report
from exercise.session.live import replay


def report_from_journal(path: str | Path, *, force: bool = False, warn=lambda message: None,  # noqa: ANN001
                        tlp: str = "AMBER", contact: str | None = None, place: str | None = None) -> Report:
    with quiet_collector():  # the replayed session and the report are built in bulk, and kept
        session, journal = replay(path, force=force, warn=warn)
        return report_of(session, journal.header, tlp=tlp, contact=contact, place=place)
