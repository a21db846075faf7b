"""The team console in a browser: textual-serve runs one ``exercise join`` per page.

The page is textual-serve's own, with its one request to a third party (Google Fonts, which fails
on an air-gapped network and hands every player's address to someone else) replaced by the fonts
textual-serve ships. It is derived at start-up from the installed template, and refused if
anything else would leave the server.

Importing this needs textual-serve (the [web] extra); the CLI says so when it is missing.
"""

from __future__ import annotations

import ipaddress
import os
import re
import shlex
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import textual_serve
from aiohttp import web
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


MAX_PAGES = 32  # team consoles open at once: each page runs a process of its own


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def allowed(origin: str | None, host: str, public_url: str | None) -> str | None:
    """Why a page's console connection is refused (None: it is this server's own page).

    The browser names the page that opens the connection in ``Origin``: another site's page (which could
    drive a kiosk console, read its injects, write notes as the team) names itself, and is refused. The
    ``Host`` it asked for must be this server as its users reach it: an IP address, localhost, or the
    public URL's name, so that a name made to point here (DNS rebinding) does not pass as same-origin."""
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    public = urlsplit(public_url).hostname if public_url else None
    if not (_is_ip(name) or name.lower() == "localhost" or (public and name.lower() == public.lower())):
        return f"this server is not reached as {host!r} (use its address, or give --public-url)"
    own = {f"http://{host}".lower(), f"https://{host}".lower()} | ({_origin(public_url)} if public_url else set())
    if origin is None or origin.lower() not in own:
        return "the page is not this server's own"
    return None


class GuardedServer(Server):
    """textual-serve's server, with the console's connection open only to its own page, and a cap on pages."""

    def __init__(self, *args, max_pages: int = MAX_PAGES, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.max_pages = max_pages
        self.pages = 0

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        why = allowed(request.headers.get("Origin"), request.host, self.public_url)
        if why is not None:
            raise web.HTTPForbidden(text=f"Refused: {why}.")
        if self.pages >= self.max_pages:
            raise web.HTTPServiceUnavailable(text=f"Refused: {self.max_pages} team consoles are open on this server; "
                                                  "close one, or ask the facilitator.")
        self.pages += 1
        try:
            return await super().handle_websocket(request)
        finally:
            self.pages -= 1


def serve_team_console(url: str, address: str, port: int, token: str = "", public_url: str | None = None) -> None:
    """Serve the team console of the hosted exercise at ``url`` on http://address:port/ until stopped."""
    command = [sys.executable, "-m", "exercise", "join", url]
    if token:  # a kiosk: each page's console reads it from its environment, never its command line
        os.environ["EXERCISE_TOKEN"] = token
    else:
        os.environ.pop("EXERCISE_TOKEN", None)  # every page asks for its own
    GuardedServer(shlex.join(command), host=address, port=port, title="exercise: team console",
                  public_url=public_url, templates_path=local_templates()).serve()
