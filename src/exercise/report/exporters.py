"""The report's output formats, in one registry: the CLI's ``--format`` choices and the console's export.

Importing this is cheap (the renderers load on first use), so the CLI can list
the formats without paying for jinja2 and the chart library at start-up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Report = dict[str, Any]


@dataclass(frozen=True)
class Exporter:
    name: str
    suffix: str  # what the console appends to the journal's name
    binary: bool  # bytes (write as they are) or text (UTF-8)
    export: Callable[[Report, Report | None], str | bytes]  # (report, report to compare with, or None)
    from_console: bool  # written by the console's export key, beside the journal


def _rendered(fmt: str) -> Callable[[Report, Report | None], str]:
    def export(report: Report, compare: Report | None = None) -> str:
        from exercise.report.render import render

        return render(report, fmt, compare)
    return export


EXPORTERS: dict[str, Exporter] = {e.name: e for e in (
    Exporter("md", ".aar.md", False, _rendered("md"), from_console=False),
    Exporter("html", ".aar.html", False, _rendered("html"), from_console=True),
    Exporter("json", ".aar.json", False, _rendered("json"), from_console=True),
)}
