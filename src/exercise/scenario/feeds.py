"""Background feeds: the crowd of posts around a narrative, so that its rise shows as volume on a platform.

A scenario's ``feeds`` each follow one indicator (e.g. ``narrative_salience``).
Every hour of the exercise a feed says how many posts the platform carries
(``posts_per_hour`` times the indicator) and shows a few of them, written from
the author's templates with their ``{slots}`` filled. The posts are drawn from
the session's seed, the feed and the hour alone, never from the engine's
random streams: the same seed shows the same posts, and looking at a feed
changes nothing in the world. Which hour's level a reader sees is the
indicator as that reader observes it, so a team that learns of the narrative
late sees the crowd late too.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable

from pydantic import Field, model_validator

from exercise.scenario.types import Id, Strict, Text

HOUR = 60.0
LOOK_BACK = 24  # hours a feed is drawn back from now, at most: older posts have scrolled away


class FeedTemplate(Strict):
    """One kind of post in a feed; ``{slot}`` in any field is filled from the feed's ``fill``."""

    author: str = Field(min_length=1, description="The account's display name, e.g. '{first_name} {initial}.'.")
    handle: str = Field(min_length=1, description="The account's handle, e.g. '@{nick}'.")
    text: Text = Field(min_length=1, description="What the post says, e.g. 'Lights out again in {town}. "
                                                 "#SoldTheGrid'.")
    media: str = Field("", description="What its image or video shows, in words.")


class BackgroundFeed(Strict):
    """A platform's stream of posts around a narrative; its volume follows an indicator."""

    id: Id = Field(description="Feed id, e.g. 'FEED-1'.")
    platform: str = Field(min_length=1, description="The platform, e.g. 'Murmur'.")
    topic: str = Field(min_length=1, description="What the posts are about, as the platform labels it, e.g. "
                                                 "'#StolenVote'.")
    indicator: Id = Field(description="The indicator that drives the volume, e.g. 'narrative_salience'.")
    posts_per_hour: int = Field(ge=1, le=10**9, description="Posts an hour on the platform when the indicator "
                                                            "is at 1.0; shown in proportion.")
    shown_per_hour: float = Field(3.0, gt=0, le=12, description="How many of those posts the feed shows an hour "
                                                                "when the indicator is at 1.0 (the rest are "
                                                                "counted, not shown).")
    to: list[Id] = Field(default_factory=lambda: ["all"], description="Teams who follow the feed ('all': every "
                                                                       "team). A team sees it only if it may read "
                                                                       "the indicator.")
    templates: list[FeedTemplate] = Field(min_length=1, description="The kinds of post, picked at random.")
    fill: dict[str, list[str]] = Field(default_factory=dict, description="Values for each {slot} of the "
                                                                         "templates, picked at random.")

    @model_validator(mode="after")
    def _slots_are_filled(self) -> BackgroundFeed:
        for template in self.templates:
            for text in (template.author, template.handle, template.text, template.media):
                for slot in slots(text):
                    if not slot.isidentifier():
                        raise ValueError(f"{{{slot}}} is not a slot name: write {{name}} with letters, digits and _")
                    if not self.fill.get(slot):
                        raise ValueError(f"slot {{{slot}}} has no values: add '{slot}: [...]' under fill")
        return self

    def follows(self, team: str) -> bool:
        return "all" in self.to or team in self.to


def slots(text: str) -> list[str]:
    """The ``{slot}`` names in a template (``{{`` and ``}}`` are literal braces)."""
    try:
        return [name for _, name, spec, conv in string.Formatter().parse(text) if name is not None]
    except ValueError as exc:  # a lone brace
        raise ValueError(f"{text!r}: {exc}; write {{{{ or }}}} for a literal brace") from None


class FeedPost(Strict):
    """One background post as a reader sees it."""

    t: float = Field(description="When it was posted, in minutes from T+0.")
    author: str = Field(description="Display name.")
    handle: str = Field(description="Handle.")
    text: str = Field(description="What it says.")
    media: str = Field("", description="What its image or video shows, in words.")


class FeedReading(Strict):
    """A feed as one reader sees it now: the volume, its last hours, and the latest posts."""

    id: Id = Field(description="Feed id.")
    platform: str = Field(description="The platform.")
    topic: str = Field(description="What the posts are about.")
    volume: int = Field(description="Posts an hour now, as this reader sees the indicator.")
    hourly: list[int] = Field(description="Posts an hour at each of the last hours, oldest first.")
    posts: list[FeedPost] = Field(description="The latest posts shown, newest first.")


def _hour_posts(feed: BackgroundFeed, seed: int, hour: int, level: float) -> list[FeedPost]:
    """The posts a feed shows in one hour at ``level``: fixed by seed, feed and hour, whenever asked."""
    rng = random.Random(f"{seed}:{feed.id}:{hour}")  # noqa: S311 - a reproducible crowd, not a secret
    expected = feed.shown_per_hour * max(0.0, level)
    count = int(expected) + (rng.random() < expected - int(expected))  # rounded at random: the mean is kept
    posts = []
    for _ in range(count):
        template = feed.templates[rng.randrange(len(feed.templates))]
        values = {slot: rng.choice(options) for slot, options in sorted(feed.fill.items())}
        posts.append(FeedPost(t=(hour + rng.random()) * HOUR, author=template.author.format_map(values),
                              handle=template.handle.format_map(values), text=template.text.format_map(values),
                              media=template.media.format_map(values)))
    return posts


def read_feed(feed: BackgroundFeed, seed: int, seen: Callable[[float], float], now: float,
              keep: int = 8, hours: int = 12) -> FeedReading:
    """The feed at ``now`` for a reader who reads the indicator as ``seen(t)`` (its value at exercise time t
    as that reader knows it). Each hour's posts follow the level read at the hour's start."""
    current = int(now // HOUR)
    posts: list[FeedPost] = []
    for hour in range(current, max(-1, current - LOOK_BACK), -1):
        shown = [p for p in _hour_posts(feed, seed, hour, seen(hour * HOUR)) if p.t <= now]
        posts += sorted(shown, key=lambda p: -p.t)
        if len(posts) >= keep:
            break
    hourly = [round(feed.posts_per_hour * max(0.0, seen(max(0.0, now - h * HOUR)))) for h in range(hours - 1, -1, -1)]
    return FeedReading(id=feed.id, platform=feed.platform, topic=feed.topic, volume=hourly[-1], hourly=hourly,
                       posts=posts[:keep])
