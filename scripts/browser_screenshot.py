"""Open a page in headless Chromium (from the distribution's packages) and save a PNG of it.

Drives Chromium over its DevTools protocol (with the websockets library the
project already uses), so it can wait in real time for a page that keeps a
live connection, as textual-serve's team console does. Used by the browser
test and by hand:

    exercise serve election-week --listen 127.0.0.1:8765 &
    EXERCISE_TOKEN=TOKEN exercise serve-web ws://127.0.0.1:8765 --web 127.0.0.1:8000 &
    python scripts/browser_screenshot.py http://127.0.0.1:8000/ team-console.png --wait 8
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import shutil
import socket
import tempfile
import urllib.request
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

from websockets.asyncio.client import connect

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
PAPER = {"a4": (8.27, 11.69), "letter": (8.5, 11.0)}  # inches, as the DevTools protocol takes them


KEY_CODES = {"Escape": 27, "Enter": 13, "ArrowDown": 40, "ArrowUp": 38}


def find_browser() -> str | None:
    return next((path for name in BROWSERS if (path := shutil.which(name))), None)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.asynccontextmanager
async def browser(width: int = 1280, height: int = 800, *,
                  offline: bool = False) -> AsyncIterator[Callable[..., Awaitable[bytes]]]:
    """A headless Chromium; yields ``shoot(url, ready, timeout) -> PNG bytes`` (and ``shoot.pdf(url, paper)``).

    ``shoot.requests`` lists every URL the pages asked for. ``offline``: no name but loopback resolves, as on
    an air-gapped network, so a request for anywhere else fails instead of leaving the machine."""
    path = find_browser()
    if path is None:
        raise FileNotFoundError("no Chromium: install the distribution's chromium package")
    port = _free_port()
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as profile:  # Chromium's helpers linger
        proc = await asyncio.create_subprocess_exec(
            path, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
            f"--remote-debugging-port={port}", f"--user-data-dir={profile}", f"--window-size={width},{height}",
            *(["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost"] if offline else []),
            "about:blank", stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
        try:
            target = await _page_target(port)
            async with connect(target, max_size=None) as cdp:
                ids = iter(range(1, 1_000_000))
                requested: list[str] = []

                async def call(method: str, **params: object) -> dict:
                    ident = next(ids)
                    await cdp.send(json.dumps({"id": ident, "method": method, "params": params}))
                    while True:
                        reply = json.loads(await cdp.recv())
                        if reply.get("method") == "Network.requestWillBeSent":
                            requested.append(reply["params"]["request"]["url"])
                        if reply.get("id") == ident:
                            return reply.get("result", {})

                await call("Network.enable")

                async def shoot(url: str, ready: Callable[[], bool] = lambda: True, timeout: float = 30.0,
                                settle: float = 1.0, press: tuple[str, ...] = ()) -> bytes:
                    await call("Page.navigate", url=url)
                    loop = asyncio.get_running_loop()
                    deadline = loop.time() + timeout
                    while not ready():
                        if loop.time() > deadline:
                            raise TimeoutError(f"{url}: the page was not ready in {timeout:g} s")
                        await asyncio.sleep(0.1)
                    await asyncio.sleep(settle)  # let the terminal draw what it was sent
                    if press:  # the terminal takes keys once it has the focus, as after a player's click
                        for kind in ("mousePressed", "mouseReleased"):
                            await call("Input.dispatchMouseEvent", type=kind, x=width // 2, y=height // 2,
                                       button="left", clickCount=1)
                    for key in press:  # keys a player presses before the picture (e.g. Escape to close a dialog)
                        code = KEY_CODES[key]
                        for kind in ("keyDown", "keyUp"):
                            await call("Input.dispatchKeyEvent", type=kind, key=key, code=key,
                                       windowsVirtualKeyCode=code, nativeVirtualKeyCode=code)
                        await asyncio.sleep(settle)
                    return base64.b64decode((await call("Page.captureScreenshot", format="png"))["data"])

                async def pdf(url: str, paper: str = "a4", settle: float = 0.5) -> bytes:
                    """The page printed as the browser's print dialog would (CSS @page rules apply)."""
                    await call("Page.navigate", url=url)
                    await asyncio.sleep(settle)
                    width, height = PAPER[paper]
                    result = await call("Page.printToPDF", paperWidth=width, paperHeight=height, printBackground=True,
                                        marginTop=0.7, marginBottom=0.7, marginLeft=0.55, marginRight=0.55)
                    return base64.b64decode(result["data"])

                shoot.pdf = pdf
                shoot.requests = requested
                yield shoot
        finally:
            proc.kill()
            await proc.wait()


async def _page_target(port: int, timeout: float = 20.0) -> str:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        try:
            raw = await asyncio.to_thread(
                lambda: urllib.request.urlopen(f"http://127.0.0.1:{port}/json", timeout=2).read())
            pages = [t for t in json.loads(raw) if t.get("type") == "page"]
            if pages:
                return pages[0]["webSocketDebuggerUrl"]
        except OSError:
            pass
        if loop.time() > deadline:
            raise TimeoutError("Chromium did not open its DevTools port")
        await asyncio.sleep(0.2)


async def _main(url: str, out: Path, wait: float) -> None:
    async with browser() as shoot:
        out.write_bytes(await shoot(url, settle=wait))
    print(f"{out}: {out.stat().st_size} bytes")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("out", type=Path)
    parser.add_argument("--wait", type=float, default=8.0, help="seconds to let the page draw")
    args = parser.parse_args()
    asyncio.run(_main(args.url, args.out, args.wait))
