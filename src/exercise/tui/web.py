"""The team console in a browser: textual-serve runs one ``exercise join`` per page.

The page is textual-serve's own, with its one request to a third party (Google Fonts, which fails
on an air-gapped network and hands every player's address to someone else) replaced by the fonts
textual-serve ships. It is derived at start-up from the installed template, and refused if
anything else would leave the server.

Importing this needs textual-serve (the [web] extra); the CLI says so when it is missing.
"""

from __future__ import annotations

import os
import re
import shlex
import sys
import tempfile
from pathlib import Path

import textual_serve
from textual_serve.server import Server

_FONTS = re.compile(r'<link\s+rel="stylesheet"\s+href="https://fonts\.googleapis\.com/[^"]*"\s*/>')
_LOCAL_FONTS = """<style>
      @font-face { font-family: "Roboto Mono"; font-style: normal; font-weight: 100 700;
        src: url("{{ config.static.url }}fonts/RobotoMono-VariableFont_wght.ttf") format("truetype"); }
      @font-face { font-family: "Roboto Mono"; font-style: italic; font-weight: 100 700;
        src: url("{{ config.static.url }}fonts/RobotoMono-Italic-VariableFont_wght.ttf") format("truetype"); }
    </style>"""
# What may stand in the page as an address without being fetched: an SVG namespace.
_INERT = ("http://www.w3.org/2000/svg",)


class PageError(Exception):
    """textual-serve's page changed so that it would still call out: it is not served."""


def local_page(original: str) -> str:
    """textual-serve's page with the fonts it ships instead of Google's; PageError if another address remains."""
    page, replaced = _FONTS.subn(_LOCAL_FONTS, original)
    if replaced != 1:
        raise PageError("textual-serve's page no longer loads its fonts as this version knows: not serving it")
    left = [url for url in re.findall(r"https?://[^\s\"')<>]+", page) if not url.startswith(_INERT)]
    if left:
        raise PageError(f"textual-serve's page would call out to {', '.join(sorted(set(left)))}: not serving it")
    return page


def local_templates() -> Path:
    """A folder holding the page, derived from the installed textual-serve (nothing of it is copied here)."""
    installed = Path(textual_serve.__file__).parent / "templates" / "app_index.html"
    folder = Path(tempfile.mkdtemp(prefix="exercise-web-"))
    (folder / "app_index.html").write_text(local_page(installed.read_text(encoding="utf-8")), encoding="utf-8")
    return folder


def serve_team_console(url: str, address: str, port: int, token: str = "", public_url: str | None = None) -> None:
    """Serve the team console of the hosted exercise at ``url`` on http://address:port/ until stopped."""
    command = [sys.executable, "-m", "exercise", "join", url]
    if token:  # a kiosk: each page's console reads it from its environment, never its command line
        os.environ["EXERCISE_TOKEN"] = token
    else:
        os.environ.pop("EXERCISE_TOKEN", None)  # every page asks for its own
    Server(shlex.join(command), host=address, port=port, title="exercise: team console",
           public_url=public_url, templates_path=local_templates()).serve()
