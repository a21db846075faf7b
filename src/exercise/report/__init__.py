"""Report layer: After-Action Report / Improvement Plan from a journal. No Textual here."""

from exercise.report.build import build_report
from exercise.report.render import render

__all__ = ["build_report", "render"]
