"""Untrusted text made safe to show, in a terminal or anywhere else.

Scenario files, playbooks and journals travel between people, and people type
notes: all of it is data. Control characters in it could move the cursor, set
the clipboard (OSC 52) or plant hyperlinks (OSC 8) in the facilitator's
terminal, so they are shown as visible symbols instead: C0 controls as their
Unicode control pictures (ESC as U+241B), DEL as U+2421, C1 controls as
``<9b>``. Newline and tab stay where a text may have them.

Markup is the other half: every screen and table renders this text as plain
text (``Content``/``Text``), never as Rich or Textual markup; see ``tui/plain.py``.
"""

from __future__ import annotations

import re

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _picture(match: re.Match) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    return f"<{code:02x}>"


def visible(text: object, *, one_line: bool = False) -> str:
    """``text`` with every control character shown as a symbol; on one line, newlines and tabs too."""
    text = str(text)
    if text.isprintable():  # most text: no control character, no newline, no tab (and cheap to check)
        return text
    if one_line:
        text = text.replace("\n", " ").replace("\t", " ")
        return _ONE_LINE.sub(_picture, text)
    return CONTROL.sub(_picture, text)
