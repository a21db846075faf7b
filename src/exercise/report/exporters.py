"""The report's output formats, in one registry: the CLI's ``--format`` choices and the console's export.

Importing this is cheap (the renderers load on first use), so the CLI can list
the formats without paying for jinja2 and the chart library at start-up.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from exercise.report.model import Report


@dataclass(frozen=True)
class Exporter:
    name: str
    suffix: str  # what the console appends to the journal's name
    binary: bool  # bytes (write as they are) or text (UTF-8)
    export: Callable[..., str | bytes]  # (report, report to compare with or None, **options such as paper)
    from_console: bool  # written by the console's export key, beside the journal
    compares: bool = True  # can show a second session (report --compare); the threat-picture formats cannot
    paged: bool = False  # laid out on pages (Word, PDF): takes a paper size


def _lazy(module: str, function: str) -> Callable[..., str | bytes]:
    """The function, imported when first called: listing the formats stays cheap."""
    def export(report: Report, compare: Report | None = None, **options: str) -> str | bytes:
        if compare is not None and report.comparison is None:  # the comparison is a section, made once
            from exercise.report.compare import comparison

            report = report.model_copy(update={"comparison": comparison(report, compare)})
        return getattr(import_module(module), function)(report, compare, **options)
    return export


EXPORTERS: dict[str, Exporter] = {e.name: e for e in (
    Exporter("md", ".aar.md", False, _lazy("exercise.report.render", "to_markdown"), from_console=False),
    Exporter("html", ".aar.html", False, _lazy("exercise.report.render", "to_html"), from_console=True),
    Exporter("json", ".aar.json", False, _lazy("exercise.report.render", "to_json"), from_console=True),
    Exporter("docx", ".aar.docx", True, _lazy("exercise.report.docx", "to_docx"), from_console=False, paged=True),
    Exporter("xlsx", ".aar.xlsx", True, _lazy("exercise.report.xlsx", "to_xlsx"), from_console=False),
    Exporter("pdf", ".aar.pdf", True, _lazy("exercise.report.pdf", "to_pdf"), from_console=False, paged=True),
    Exporter("stix", ".stix.json", False, _lazy("exercise.report.stix", "to_stix"), from_console=False,
             compares=False),
    Exporter("navigator", ".layers.json", False, _lazy("exercise.report.navigator", "to_navigator"),
             from_console=False, compares=False),
)}
