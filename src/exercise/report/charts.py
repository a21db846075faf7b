"""Indicator charts as inline SVG (pygal), with band thresholds as dashed lines."""

from __future__ import annotations

import re
import signal
import threading

import pygal
from pygal.style import Style

from exercise.limits import OverLimit
from exercise.plain import visible
from exercise.report.model import IndicatorSeries, WhatIf

_STYLE = Style(
    background="white", plot_background="white", foreground="#333", foreground_strong="#111",
    foreground_subtle="#bbb", colors=("#1f5fa8", "#2e8b57", "#d08b00"), font_family="sans-serif",
)
# A cohort's cells, one colour each: up to ten before they repeat.
_COHORT_STYLE = Style(
    background="white", plot_background="white", foreground="#333", foreground_strong="#111",
    foreground_subtle="#bbb", font_family="sans-serif",
    colors=("#1f5fa8", "#d08b00", "#2e8b57", "#a40000", "#6a3d9a", "#117a8b", "#b15928", "#555555", "#e7298a",
            "#66a61e"),
)
# pygal always adds a <script> holding its tooltip config; the report needs no script.
# Its text was XML-escaped by the serializer, so it cannot contain a closing tag.
_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.S)
# pygal stamps each chart with the day it was drawn; a report must be the same every day it is built.
_STAMP = re.compile(r"<!--Generated with pygal.*?-->", re.S)


def _axis(indicator: IndicatorSeries) -> tuple[float, float]:
    """The value axis around the data and the band thresholds, not always the whole 0-1:
    a change from 0.70 to 0.55 must look like one."""
    values = [v for _, v in indicator.series] + list((indicator.bands or {}).values())
    lo, hi = min(values), max(values)
    pad = max((hi - lo) * 0.15, 0.02 * (indicator.max - indicator.min))
    return max(indicator.min, lo - pad), min(indicator.max, hi + pad)


# Labels and titles are cut before pygal sees them: its line splitting loops forever (memory growing)
# once a label leaves the plot no width, which a valid id of about 118 characters does.
LABEL_CHARS = 70
TITLE_CHARS = 100
RENDER_SECONDS = 30


class ChartError(OverLimit):
    """A chart that could not be drawn in time."""


def fit(text: object, limit: int = LABEL_CHARS) -> str:
    """One line of at most ``limit`` characters, cut with an ellipsis: what a chart may be given."""
    line = " ".join(visible(text, one_line=True).split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def _svg(chart: pygal.graph.graph.Graph) -> str:
    """The chart's SVG without its script and its generator stamp, drawn under a time limit (in the
    main thread, where a signal can stop it; labels are bounded everywhere)."""
    if threading.current_thread() is not threading.main_thread():
        return _STAMP.sub("", _SCRIPT.sub("", chart.render(is_unicode=True)))

    def stop(_signum: int, _frame: object) -> None:
        raise ChartError(f"a chart took over {RENDER_SECONDS} s to draw and was stopped: "
                         f"shorten its title ({chart.title!r:.80})")
    before = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, RENDER_SECONDS)
    try:
        return _STAMP.sub("", _SCRIPT.sub("", chart.render(is_unicode=True)))
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, before)


def indicator_svg(indicator: IndicatorSeries) -> str:
    chart = pygal.XY(
        js=[], disable_xml_declaration=True, width=720, height=260, style=_STYLE,
        range=_axis(indicator), show_dots=False, dynamic_print_values=False,
        legend_at_bottom=True, x_title="hours from T0", truncate_legend=40, show_y_guides=False,
    )
    lo, hi = _axis(indicator)
    chart.y_labels = [round(lo + (hi - lo) * k / 4, 2) for k in range(5)]  # five labels: readable at print size
    chart.uuid = f"indicator-{indicator.id}"  # a stable id keeps reports byte-for-byte reproducible
    chart.title = fit(indicator.name, TITLE_CHARS)
    hours = [[t / 60, v] for t, v in indicator.series]
    chart.add(fit(indicator.name), hours, stroke_style={"width": 2.5})
    bands = indicator.bands
    if bands and hours:
        span = (hours[0][0], hours[-1][0])
        for name in ("green", "amber"):
            chart.add(f"{name} threshold", [(span[0], bands[name]), (span[1], bands[name])],
                      stroke_style={"dasharray": "6,4", "width": 1.5})
    return _svg(chart)


def cohort_svg(indicator) -> str:  # noqa: ANN001 - a cohort.CohortIndicator
    """Every cell's curve of one indicator on one chart."""
    chart = pygal.XY(
        js=[], disable_xml_declaration=True, width=720, height=280, style=_COHORT_STYLE, show_dots=False,
        dynamic_print_values=False, legend_at_bottom=True, x_title="hours from T0", truncate_legend=40,
        show_y_guides=False,
    )
    chart.uuid = f"cohort-{indicator.id}"
    chart.title = fit(indicator.name, TITLE_CHARS)
    values = [v for points in indicator.series.values() for _, v in points] or [0.0]
    lo, hi = min(values), max(values)
    pad = max((hi - lo) * 0.15, 0.02)
    chart.range = (lo - pad, hi + pad)
    chart.y_labels = [round(lo - pad + (hi - lo + 2 * pad) * k / 4, 2) for k in range(5)]  # five: readable
    for cell, points in indicator.series.items():
        chart.add(fit(cell), [[t / 60, v] for t, v in points], stroke_style={"width": 2})
    return _svg(chart)


def forest_svg(whatif: WhatIf, top: int = 12) -> str:
    """The decisions that mattered as a forest plot: each variant's change in the objective it moved
    most, in points, with its 95% interval; zero is no change."""
    rows = []
    for effect in whatif.mattered[:top]:
        moved = [(o.objective, found) for o in effect.objectives if o.mattered and (found := o.interval)]
        if moved:
            objective, best = max(moved, key=lambda pair: abs(pair[1][0]))
            rows.append((f"{effect.change}: {effect.decision} ({objective})", best))
    chart = pygal.HorizontalBar(
        js=[], disable_xml_declaration=True, width=760, height=90 + 34 * max(1, len(rows)), style=_STYLE,
        show_legend=False, x_title="change in success rate, points (95% CI)", truncate_label=70,
        dynamic_print_values=False, print_values=False,
    )
    chart.uuid = "decisions-that-mattered"
    chart.title = "Decisions that mattered"
    rows.reverse()  # pygal draws the first row at the bottom
    chart.x_labels = [fit(label) for label, _ in rows]
    chart.add("change", [{"value": round(change * 100, 1), "ci": {"low": round(low * 100, 1), "high": round(high * 100, 1)}}
                         for _, (change, low, high) in rows])
    return _svg(chart)


def tornado_svg(title: str, drivers: list[tuple[str, float, float]], label: str) -> str:
    """A tornado chart: parameters by effect on one objective, largest on top."""
    rows = [d for d in drivers if d[1] > 0][:12][::-1]
    chart = pygal.HorizontalBar(
        js=[], disable_xml_declaration=True, width=760, height=90 + 30 * max(1, len(rows)), style=_STYLE,
        show_legend=False, x_title=label, truncate_label=60, dynamic_print_values=False,
    )
    chart.uuid = "tornado-" + re.sub(r"[^A-Za-z0-9-]", "-", title)
    chart.title = fit(title, TITLE_CHARS)
    chart.x_title = fit(label, TITLE_CHARS)
    chart.x_labels = [fit(name) for name, _, _ in rows]
    chart.add(fit(label), [round(value, 4) for _, value, _ in rows])
    return _svg(chart)


def svg_to_png(svg: str, width_cm: float = 17.0) -> bytes:
    """A chart as a PNG, for the formats that take no SVG (Word, Excel); drawn by Typst."""
    import tempfile
    from pathlib import Path

    import typst

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "chart.svg").write_text(svg, encoding="utf-8")
        (root / "chart.typ").write_text('#set page(width: auto, height: auto, margin: 0pt)\n'
                                        f'#image("chart.svg", width: {width_cm}cm)\n', encoding="utf-8")
        return typst.compile(str(root / "chart.typ"), root=str(root), format="png", ppi=150)
