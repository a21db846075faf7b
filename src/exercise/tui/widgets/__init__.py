from exercise.tui.widgets.clock_bar import ClockBar
from exercise.tui.widgets.feed import Feed, FeedItem
from exercise.tui.widgets.indicators import IndicatorPanel
from exercise.tui.widgets.inject_detail import InjectDetail
from exercise.tui.widgets.responses import ResponsesPanel

__all__ = ["ClockBar", "Feed", "FeedItem", "IndicatorPanel", "InjectDetail", "ResponsesPanel"]
