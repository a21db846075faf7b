"""Every console action, once: its key, its footer label and its command-palette name.

The console's bindings and the command palette are both built from this table,
so a key the palette names is a key the console answers to. Whether an action
can run now (a finished exercise takes no more measures; undo needs something to
undo) is the app's ``check_action``: the footer greys what cannot run.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding, BindingType


@dataclass(frozen=True)
class ConsoleAction:
    action: str  # the app's action_<name>
    keys: str  # Textual key names, comma-separated
    label: str  # in the footer
    description: str  # in the command palette
    key_display: str | None = None
    footer: bool = True  # at 80 columns only the first few fit; the palette lists them all

    @property
    def key(self) -> str:
        return self.key_display or self.keys.split(",")[0]


# Footer order: the first ones are what a facilitator reaches for most.
ACTIONS = [
    ConsoleAction("toggle_clock", "space", "Run/pause", "Pause or run the clock"),
    ConsoleAction("next_inject", "n", "Next", "Jump to the next inject"),
    ConsoleAction("respond", "r", "Respond", "Take a measure for the current team"),
    ConsoleAction("switch_team", "t", "Team", "Switch team"),
    ConsoleAction("note", "o", "Note", "Add a facilitator note"),
    ConsoleAction("quit_exercise", "q", "Quit", "Quit the exercise"),
    ConsoleAction("faster", "plus,equals_sign", "Faster", "Faster clock", key_display="+"),
    ConsoleAction("slower", "minus", "Slower", "Slower clock", key_display="-"),
    ConsoleAction("decide", "c", "Decide", "Answer a waiting decision point"),
    ConsoleAction("toggle_facilitator", "x", "Facilitator", "Show or hide facilitator notes"),
    ConsoleAction("toggle_filter", "f", "Team view", "Show the console as the current team sees it"),
    ConsoleAction("hotwash", "h", "Hot wash", "Hot wash: rate objectives"),
    ConsoleAction("debrief", "d", "Debrief", "Debrief"),
    ConsoleAction("adhoc", "a", "Ad-hoc inject", "Write an ad-hoc inject"),
    ConsoleAction("deliver_now", "i", "Inject now", "Deliver a scheduled inject now"),
    ConsoleAction("end_measure", "w", "End measure", "End a measure early (withdrawn, overtaken)"),
    ConsoleAction("mark_met", "m", "Mark met", "Mark an expected action as met"),
    ConsoleAction("undo", "u", "Undo", "Undo the last action (with a reason)"),
    ConsoleAction("export", "e", "Export", "Export the After-Action Report"),
    ConsoleAction("autoplay_seat", "A", "Autoplay", "Take a seat over from its playbook, or hand it back",
                  footer=False),
    ConsoleAction("reveal", "R", "Reveal", "Reveal what really happened to the room and every team (next step)",
                  footer=False),
    ConsoleAction("show_seats", "j", "Seats", "Join tokens and who has joined (a hosted exercise)", footer=False),
    ConsoleAction("toggle_theme", "ctrl+t", "Light/dark", "Light or dark theme", footer=False),
]


def console_bindings() -> list[BindingType]:
    return [Binding(a.keys, f"app.{a.action}", a.label, show=a.footer, key_display=a.key_display)
            for a in ACTIONS]
