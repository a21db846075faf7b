"""Injects in the form players meet them: a post, an article, an email, a call, a broadcast, an official form,
and how a terminal draws each (a post with its handle and counters, an email with its header lines).

An inject's ``channel`` is either a word (``news``, ``phone``) or one of these
forms with its fields. A form that shows reach (a post's views and shares, an
article's readers) names the indicator that drives it in ``reach``: the numbers
each player sees follow that indicator as the player sees it, so a narrative
that is countered early is visibly read by fewer people.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from typing import Annotated, Literal

from pydantic import Discriminator, Field

from exercise.scenario.types import Id, Strict, Text


class Reach(Strict):
    """How many people a post or an article reaches, driven by an indicator (e.g. narrative_salience)."""

    indicator: Id = Field(description="The indicator that drives it, e.g. 'narrative_salience'.")
    views: int = Field(ge=0, le=10**10, description="Views when the indicator is at 1.0; shown in proportion.")
    shares: int = Field(0, ge=0, le=10**10, description="Shares (or comments) when the indicator is at 1.0.")
    trending_above: float | None = Field(
        None, description="Shown as 'trending' while the indicator is at or above this (e.g. 0.2).")
    where: str = Field("", description="Where it trends, e.g. 'in Lumeria'.")


class SocialPost(Strict):
    """A post on a platform."""

    kind: Literal["social"] = Field(description="A social-media post.")
    platform: str = Field(min_length=1, description="The platform, e.g. 'Murmur'.")
    author: str = Field(min_length=1, description="The account's display name.")
    handle: str = Field(min_length=1, description="The account's handle, e.g. '@lumeria_truth'.")
    verified: bool = Field(False, description="Whether it shows a verified mark.")
    text: Text = Field(min_length=1, description="What the post says.")
    media: str = Field("", description="What its image, audio or video shows, in words (no images are shown).")
    language: str = Field("", description="Its language, if not the exercise's (e.g. 'ru').")
    reach: Reach | None = Field(None, description="Views and shares, driven by an indicator.")


class NewsItem(Strict):
    """An article or a news site's item."""

    kind: Literal["news"] = Field(description="A news article.")
    outlet: str = Field(min_length=1, description="The outlet (real-looking or a lookalike).")
    headline: str = Field(min_length=1, description="The headline.")
    standfirst: str = Field("", description="The line under the headline.")
    body: Text = Field("", description="The article text.")
    byline: str = Field("", description="Who signs it.")
    reach: Reach | None = Field(None, description="Readers and shares, driven by an indicator.")


class Email(Strict):
    """An email."""

    kind: Literal["email"] = Field(description="An email.")
    sender: str = Field(min_length=1, description="From: name and address.")
    recipients: str = Field(min_length=1, description="To: names or addresses.")
    subject: str = Field(min_length=1, description="The subject line.")
    body: Text = Field("", description="The message.")
    attachments: list[str] = Field(default_factory=list, description="Attachment file names, listed.")


class Call(Strict):
    """A phone call or a text message."""

    kind: Literal["phone", "sms"] = Field(description="'phone' for a call, 'sms' for a text.")
    caller: str = Field(min_length=1, description="Who calls or writes, e.g. 'grid control room duty engineer'.")
    transcript: Text = Field(min_length=1, description="What is said or written.")


class Broadcast(Strict):
    """A television or radio item."""

    kind: Literal["tv", "radio"] = Field(description="'tv' or 'radio'.")
    outlet: str = Field(min_length=1, description="The station.")
    ticker: str = Field("", description="The line on the ticker (television).")
    transcript: Text = Field("", description="What is said.")


class OfficialForm(Strict):
    """A form an official channel uses: a Rapid Alert System alert, a NIS2 early warning, a CSIRT advisory."""

    kind: Literal["official"] = Field(description="An official notification.")
    form: str = Field(min_length=1, description="Which form, e.g. 'Rapid Alert System alert', 'NIS2 early warning'.")
    fields: dict[str, str] = Field(default_factory=dict, description="Its fields in order, e.g. {Severity: high, "
                                                                      "TLP: AMBER, Summary: ...}.")


class ChatLine(Strict):
    who: str = Field(min_length=1, description="Who writes.")
    text: str = Field(min_length=1, description="What they write.")


class Chat(Strict):
    """Messages in a chat room between bodies."""

    kind: Literal["chat"] = Field(description="A chat room.")
    room: str = Field(min_length=1, description="The room, e.g. 'CSIRTs Network ops'.")
    messages: list[ChatLine] = Field(min_length=1, description="The messages, in order.")


ChannelForm = Annotated[SocialPost | NewsItem | Email | Call | Broadcast | OfficialForm | Chat,
                        Discriminator("kind")]

WIDTH = 60  # the box's inner width: fits an 80-column terminal beside the feed's border


def counted(number: float) -> str:
    """12,400 -> '12K', 1,830,000 -> '1.8M': as platforms show counts."""
    n = int(round(number))
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f}M".replace(".0M", "M")
    if n >= 10_000:
        return f"{n // 1000}K"
    if n >= 1_000:
        return f"{n / 1000:.1f}K".replace(".0K", "K")
    return str(n)


def engagement(reach: Reach, values: Mapping[str, float]) -> tuple[int, int, bool] | None:
    """(views, shares, trending) at the indicator's value as the reader sees it; None if they do not see it."""
    value = values.get(reach.indicator)
    if value is None:
        return None
    level = max(0.0, value)
    trending = reach.trending_above is not None and level >= reach.trending_above
    return round(reach.views * level), round(reach.shares * level), trending


def _wrap(text: str, indent: str = "", width: int = WIDTH) -> list[str]:
    out: list[str] = []
    for paragraph in text.strip().split("\n"):
        out += textwrap.wrap(paragraph, width - len(indent), initial_indent=indent, subsequent_indent=indent) or [""]
    return out


def _box(title: str, lines: list[str], width: int = WIDTH) -> str:
    """Lines in a rounded box ``width`` wide inside, every line wrapped to it (a long header line folds)."""
    title = title if len(title) <= width - 4 else title[:width - 5] + "…"
    top = f"╭─ {title} " + "─" * max(0, width - len(title) - 2) + "╮"
    body = [f"│ {part.ljust(width)}│" for line in lines for part in (_wrap(line, width=width) if line else [""])]
    return "\n".join([top, *body, "╰" + "─" * (width + 1) + "╯"])


def _counters(reach: Reach | None, values: Mapping[str, float] | None, noun: str) -> list[str]:
    if reach is None:
        return []
    if values is None:  # for the author and the guide: the rule, not a number
        rule = f"{counted(reach.views)} {noun} and {counted(reach.shares)} shares at {reach.indicator} 1.0"
        return [rule + (f"; trending at {reach.trending_above:g} or above" if reach.trending_above is not None
                        else "")]
    found = engagement(reach, values)
    if found is None:
        return ["(reach not visible to you)"]
    views, shares, trending = found
    line = f"{counted(views)} {noun} · {counted(shares)} shares"
    return [line + (f" · trending{' ' + reach.where if reach.where else ''}" if trending else "")]


def render(form: ChannelForm, values: Mapping[str, float] | None = None, width: int = WIDTH) -> str:
    """The form as a terminal draws it, ``width`` columns inside its box (at least 12); ``values``: indicator
    values as the reader sees them (None: the guide's view, which states how the counters follow the
    indicator)."""
    width = max(12, width)

    def box(title: str, lines: list[str]) -> str:
        return _box(title, lines, width)

    def wrap(text: str, indent: str = "") -> list[str]:
        return _wrap(text, indent, width)

    if isinstance(form, SocialPost):
        mark = " ✓" if form.verified else ""
        lines = [f"{form.author}{mark}  {form.handle}", ""] + wrap(form.text)
        if form.media:
            lines += ["", f"[media: {form.media}]"]
        if form.language:
            lines += [f"(in {form.language})"]
        return box(form.platform, lines + [""] + _counters(form.reach, values, "views"))
    if isinstance(form, NewsItem):
        lines = wrap(form.headline.upper())
        if form.standfirst:
            lines += wrap(form.standfirst)
        if form.byline:
            lines += [f"By {form.byline}"]
        if form.body:
            lines += [""] + wrap(form.body)
        return box(form.outlet, lines + [""] + _counters(form.reach, values, "readers"))
    if isinstance(form, Email):
        lines = [f"From: {form.sender}", f"To: {form.recipients}", f"Subject: {form.subject}"]
        lines += [f"Attached: {name}" for name in form.attachments]
        return box("email", lines + [""] + wrap(form.body))
    if isinstance(form, Call):
        title = "incoming call" if form.kind == "phone" else "text message"
        return box(title, [form.caller, ""] + wrap(form.transcript, "  " if form.kind == "phone" else ""))
    if isinstance(form, Broadcast):
        lines = ([f"▶ {form.ticker.upper()}"] if form.ticker else []) + ([""] + wrap(form.transcript)
                                                                        if form.transcript else [])
        return box(f"{form.kind} · {form.outlet}", lines)
    if isinstance(form, OfficialForm):
        lines = []
        for name, value in form.fields.items():
            lines += wrap(f"{name}: {value}")
        return box(form.form, lines)
    if isinstance(form, Chat):
        lines = []
        for message in form.messages:
            lines += wrap(f"{message.who}: {message.text}")
        return box(f"chat · {form.room}", lines)
    raise TypeError(f"unknown channel form {form!r}")


# What the room display may show: what the public sees.
PUBLIC = frozenset({"social", "news", "tv", "radio"})

__all__ = ["PUBLIC", "Broadcast", "Call", "ChannelForm", "Chat", "ChatLine", "Email", "NewsItem", "OfficialForm",
           "Reach", "SocialPost", "counted", "engagement", "render"]
