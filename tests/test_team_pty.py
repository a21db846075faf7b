"""The team console as a player's terminal shows it: `exercise join` on an 80x24 pseudo-terminal.

The bytes it writes are fed to a VT100 screen (pyte) and read back as the 24 lines a person sees.
A decision for the joined team must show its deadline and the key that answers it, and the
process's command line, which every user of the machine can read in `ps`, must hold no token.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import pty
import signal
import struct
import sys
import termios
from pathlib import Path

import pyte

from conftest import run_until_decision, start_host
from exercise.scenario import load_scenario
from exercise.session.clock import SessionClock
from exercise.session.live import Session
from exercise.session.timeline import clock as clock_text

ROOT = Path(__file__).resolve().parents[1]
ELECTION = load_scenario(ROOT / "scenarios" / "election-week.yaml")
COLUMNS, LINES = 80, 24


class Terminal:
    """A child process on a pty of 80x24, and the screen its output draws."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.screen = pyte.Screen(COLUMNS, LINES)
        self.stream = pyte.ByteStream(self.screen)
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: the terminal's size first, as a real terminal sets it
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
            os.environ.update(env)
            os.execvp(sys.executable, [sys.executable, "-m", "exercise", *args])
        self.changed = asyncio.Event()
        asyncio.get_running_loop().add_reader(self.fd, self._read)

    def _read(self) -> None:
        try:
            chunk = os.read(self.fd, 65536)
        except OSError:
            chunk = b""
        if not chunk:
            asyncio.get_running_loop().remove_reader(self.fd)
            return
        self.stream.feed(chunk)
        self.changed.set()

    def text(self) -> str:
        return "\n".join(self.screen.display)

    async def until(self, *words: str, gone: tuple[str, ...] = (), timeout: float = 30) -> str:
        """Wait for the screen to show every one of ``words`` and none of ``gone`` (the timeout is a bound
        for failure, not a timing). The bytes of one frame may come in several reads: a half-drawn frame
        shows some of the new screen over the old one."""
        def drawn() -> bool:
            text = self.text()
            return all(w in text for w in words) and not any(w in text for w in gone)

        async def shown() -> None:
            while not drawn():
                self.changed.clear()
                await self.changed.wait()
        try:
            await asyncio.wait_for(shown(), timeout)
        except (TimeoutError, asyncio.TimeoutError):
            raise AssertionError(f"the screen never showed {words}:\n{self.text()}") from None
        return self.text()

    def send(self, keys: bytes) -> None:
        os.write(self.fd, keys)

    def close(self) -> None:
        asyncio.get_running_loop().remove_reader(self.fd)
        os.kill(self.pid, signal.SIGTERM)
        os.waitpid(self.pid, 0)
        os.close(self.fd)


async def test_at_80x24_the_decision_shows_its_deadline_and_the_key_and_ps_shows_no_token(tmp_path: Path) -> None:
    session = Session(ELECTION, 5)
    session.start_journal(tmp_path / "j.jsonl")
    clock = SessionClock(session, speed=30)
    host, url, tokens = await start_host(session, clock)
    token = tokens["election"]
    term = Terminal(["join", url, "--name", "Eva"], {"EXERCISE_TOKEN": token, "TERM": "xterm-256color"})
    try:
        await term.until("You play: Central Election Commission", "Elections.")  # the briefing, on joining
        cmdline = Path(f"/proc/{term.pid}/cmdline").read_bytes()
        assert b"join" in cmdline and token.encode() not in cmdline
        # Nothing on this machine shows the token on its command line.
        for proc in Path("/proc").iterdir():
            if proc.name.isdigit():
                try:
                    assert token.encode() not in (proc / "cmdline").read_bytes()
                except OSError:
                    pass  # a process that ended meanwhile
        term.send(b"\x1b")  # the briefing shown on joining
        await term.until("Our measures", gone=("You play",))
        asked = session.world.open_decisions[run_until_decision(session, clock, "election")]
        deadline = clock_text(asked.deadline)
        screen = await term.until(f"Answer by {deadline}", f"c: DECIDE by {deadline}")
        (tmp_path / "screen.txt").write_text(screen)
        assert screen.splitlines()[0].startswith(f" c: DECIDE by {deadline}")  # the top line keeps it
        assert "PAUSED" in screen
    finally:
        term.close()
        await host.close()
        session.close()
