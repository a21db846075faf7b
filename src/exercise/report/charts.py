"""Indicator charts as inline SVG (pygal), with band thresholds as dashed lines."""

from __future__ import annotations

import re
import pygal
from pygal.style import Style

from exercise.report.model import IndicatorSeries

_STYLE = Style(
    background="white", plot_background="white", foreground="#333", foreground_strong="#111",
    foreground_subtle="#bbb", colors=("#1f5fa8", "#2e8b57", "#d08b00"), font_family="sans-serif",
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


def indicator_svg(indicator: IndicatorSeries) -> str:
    chart = pygal.XY(
        js=[], disable_xml_declaration=True, width=720, height=260, style=_STYLE,
        range=_axis(indicator), show_dots=False, dynamic_print_values=False,
        legend_at_bottom=True, x_title="hours from T0", truncate_legend=40, show_y_guides=False,
    )
    lo, hi = _axis(indicator)
    chart.y_labels = [round(lo + (hi - lo) * k / 4, 2) for k in range(5)]  # five labels: readable at print size
    chart.uuid = f"indicator-{indicator.id}"  # a stable id keeps reports byte-for-byte reproducible
    chart.title = indicator.name
    hours = [[t / 60, v] for t, v in indicator.series]
    chart.add(indicator.name, hours, stroke_style={"width": 2.5})
    bands = indicator.bands
    if bands and hours:
        span = (hours[0][0], hours[-1][0])
        for name in ("green", "amber"):
            chart.add(f"{name} threshold", [(span[0], bands[name]), (span[1], bands[name])],
                      stroke_style={"dasharray": "6,4", "width": 1.5})
    return _STAMP.sub("", _SCRIPT.sub("", chart.render(is_unicode=True)))
