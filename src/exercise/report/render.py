"""The report as JSON, Markdown or self-contained HTML (jinja2 templates)."""

from __future__ import annotations

import json
import re
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from exercise.plain import visible
from exercise.report.model import Report, RunRate
from exercise.session.timeline import verdict

def md_text(value: object) -> str:
    """Scenario and participant text made inert in Markdown: no HTML, no table breaks."""
    text = "" if value is None else visible(value)
    for raw, safe in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("|", "\\|"), ("\n", " ")):
        text = text.replace(raw, safe)
    return text


def shown_text(value: object) -> object:
    """What a template prints: text with its control characters shown (markup stays markup)."""
    if isinstance(value, Markup):
        return Markup(visible(value))  # noqa: S704 - already markup (escaped on the way in); only control characters shown
    return visible(value) if isinstance(value, str) else value


def md_shown(value: object) -> object:
    """What the Markdown template prints: every string is made inert unless a filter made it Markdown
    already (``| md``, or the template's own literals): a field nobody thought to filter cannot carry
    HTML or break a table."""
    if isinstance(value, Markup):
        return Markup(visible(value))  # noqa: S704 - made inert by md_text on the way in
    return md_text(value) if isinstance(value, str) else value


def run_rate(o: RunRate) -> str:
    """A success rate over runs with its 95% interval: '83% (55%-95%)'; 'not judged' when never judged."""
    return verdict(None) if o.rate is None else f"{o.rate:.0%} ({o.low:.0%}-{o.high:.0%})"


def _environment(autoescape: bool, markdown: bool = False) -> Environment:
    env = Environment(
        loader=PackageLoader("exercise.report", "templates"),
        # Explicit, not select_autoescape: that matches file extensions, and ".html.j2" is not ".html".
        autoescape=autoescape,  # noqa: S701 - on for HTML; Markdown and JSON escape in their filters
        undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        # Whatever a template prints, control characters are shown, never sent: reports go to terminals too.
        finalize=md_shown if markdown else shown_text,
    )
    env.filters["md"] = (lambda v: Markup(md_text(v))) if markdown else md_text  # noqa: S704 - md_text made it inert
    env.filters["pct"] = lambda v: "-" if v is None else f"{v:.2f}"
    env.filters["rate"] = run_rate
    env.filters["interval"] = lambda d: "-" if d.low is None else f"{d.low:.2f} to {d.high:.2f}"
    env.filters["met"] = verdict
    env.filters["same"] = lambda pair: "same" if pair[0] == pair[1] else "differs"
    return env


def to_json(report: Report, compare: Report | None = None) -> str:
    data = report.model_dump(mode="json") if compare is None else {
        "a": report.model_dump(mode="json"), "b": compare.model_dump(mode="json")}
    # ensure_ascii=False keeps accents readable; json escapes C0 controls, and these the C1 ones.
    text = json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    return re.sub(r"[\x7f-\x9f]", lambda m: f"\\u{ord(m.group()):04x}", text)


def to_markdown(report: Report, compare: Report | None = None) -> str:
    return _environment(False, markdown=True).get_template("aar.md.j2").render(r=report)


def to_html(report: Report, compare: Report | None = None) -> str:
    from exercise.report.charts import forest_svg, indicator_svg  # the chart library, only for the formats with charts

    charts = {i.id: indicator_svg(i) for i in report.indicators}
    forest = forest_svg(report.whatif) if report.whatif and report.whatif.mattered else ""
    return _environment(True).get_template("aar.html.j2").render(r=report, charts=charts, forest=forest)


def render(report: Report, fmt: str, compare: Report | None = None) -> str:
    """The report in a text format by name (the exporters' registry holds the list)."""
    from exercise.report.exporters import EXPORTERS

    if fmt not in EXPORTERS or EXPORTERS[fmt].binary:
        raise ValueError(f"unknown text format {fmt!r}; choose one of "
                         f"{', '.join(n for n, e in EXPORTERS.items() if not e.binary)}")
    text = EXPORTERS[fmt].export(report, compare)
    assert isinstance(text, str)  # not binary, checked above
    return text
