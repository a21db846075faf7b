"""Responses under way: pending (lead time running) and active (time left)."""

from __future__ import annotations

from textual.widgets import DataTable

from exercise.scenario.types import format_rounded
from exercise.session.live import Session
from exercise.session.views import measures, progress
from exercise.tui.plain import rich_plain


class ResponsesPanel(DataTable):
    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.border_title = "Measures"
        self.add_columns("measure", "status", "effect", "team")

    def refresh_from(self, session: Session) -> None:
        now = progress(session).now
        self.clear()
        rows = measures(session)
        for row in reversed(rows):
            if row.status == "pending":
                left = "in " + format_rounded(row.effective_at - now)
            elif row.status == "active":
                left = "to the end" if row.ends_at is None else format_rounded(row.ends_at - now) + " left"
            else:
                left = ""
            self.add_row(rich_plain(row.response), rich_plain(row.status), rich_plain(left), rich_plain(row.team))
        under_way = sum(r.status in ("pending", "active") for r in rows)
        self.border_title = f"Measures ({under_way} under way)" if rows else "Measures"
