"""The team console in a browser: textual-serve runs one ``exercise join`` per page.

Importing this needs textual-serve (the [web] extra); the CLI says so when it is missing.
"""

from __future__ import annotations

import os
import shlex
import sys

from textual_serve.server import Server


def serve_team_console(url: str, address: str, port: int, token: str = "", public_url: str | None = None) -> None:
    """Serve the team console of the hosted exercise at ``url`` on http://address:port/ until stopped."""
    command = [sys.executable, "-m", "exercise", "join", url]
    if token:  # a kiosk: each page's console reads it from its environment, never its command line
        os.environ["EXERCISE_TOKEN"] = token
    else:
        os.environ.pop("EXERCISE_TOKEN", None)  # every page asks for its own
    Server(shlex.join(command), host=address, port=port, title="exercise: team console",
           public_url=public_url).serve()
