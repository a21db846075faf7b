"""kill -9 of a live `exercise run` loses nothing that was confirmed on screen."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from exercise.session.journal import read_journal
from exercise.session.live import resume

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a pty")


class Terminal:
    """A program on a pseudo-terminal, read as it draws."""

    def __init__(self, args: list[str], cwd: Path) -> None:
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "100", "LINES": "30"}
        self.process = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, cwd=cwd, env=env,
                                        start_new_session=True)
        os.close(slave)
        self.screen = b""

    def wait_for(self, done, limit: float = 60.0) -> None:
        """Read output until done() holds; the limit only stops a hung test."""
        deadline = time.monotonic() + limit
        while not done():
            left = deadline - time.monotonic()
            assert left > 0, f"gave up waiting; screen so far: {self.screen[-2000:]!r}"
            ready, _, _ = select.select([self.master], [], [], min(left, 1.0))
            if ready:
                try:
                    self.screen += os.read(self.master, 65536)
                except OSError:
                    return

    @property
    def text(self) -> bytes:
        """What was drawn, without the escape sequences that split it."""
        return re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]", b"", self.screen)

    def send(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        os.close(self.master)


def records(path: Path) -> list:
    return read_journal(path).records if path.exists() and path.stat().st_size else []


def test_sigkill_loses_no_confirmed_decision(tmp_path: Path) -> None:
    journal = tmp_path / "live.jsonl"
    term = Terminal([sys.executable, "-m", "exercise", "run", "election-week", "--journal", str(journal)], tmp_path)
    try:
        term.wait_for(lambda: b"Start the exercise" in term.text)
        term.send(" ")  # nothing: the briefing only answers Enter
        term.send("\r")
        term.wait_for(lambda: b"RUNNING" in term.text)
        term.send(" ")  # pause, so the clock does not move under the test
        term.wait_for(lambda: any(getattr(r, "action", None) == "pause" for r in records(journal)))
        term.send("r")
        term.wait_for(lambda: b"Respond as National CSIRT" in term.text)
        term.send("\x13")  # ctrl+s takes the highlighted measure, NAT-02, whatever has focus
        # "taken" is on screen only after the record is fsynced: wait for the screen, not the file.
        term.wait_for(lambda: b"NAT-02 taken by csirt" in term.text)
    finally:
        term.kill()
    taken = [r for r in records(journal) if r.kind == "decision"]
    assert [(r.team, r.response) for r in taken] == [("csirt", "NAT-02")]
    session = resume(journal)
    assert [lv.response for lv in session.world.live] == ["NAT-02"]
    session.close()
