"""Cells: independent hosted sessions of one scenario, one ``exercise serve`` process each.

A cell is a process of its own, with its own journal, tokens, teams and clock: a cell that crashes takes no
other with it, and is started again from its journal (``serve --resume``), where the teams rejoin with the
tokens they had. Exercise control reaches each cell through its control seat, whose token the cell keeps in
its seats file beside the journal (readable only by the account that runs the cohort).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from exercise.net.seats import Seat, load_tickets, seats_path

HOSTING = re.compile(r"^hosting \S+ at (\S+); journal: ", re.M)
STARTS_WITHIN = 60.0  # seconds a cell may take to start listening


class CellError(RuntimeError):
    """A cell that would not start."""


@dataclass
class Cell:
    """One cell: its journal, its port, and the process serving it (None: not started, or gone)."""

    name: str
    journal: Path
    listen: str  # ADDRESS:PORT
    serve_args: list[str] = field(default_factory=list)  # the scenario and options of its first start
    process: subprocess.Popen | None = None
    url: str = ""
    restarts: int = 0

    @property
    def log(self) -> Path:
        return self.journal.with_suffix(".log")

    def start(self) -> None:
        """Serve the cell: a new session the first time, its journal's session after that."""
        resume = self.journal.exists()
        args = ["serve", "--resume", str(self.journal)] if resume else \
            ["serve", *self.serve_args, "--journal", str(self.journal)]
        self.journal.parent.mkdir(parents=True, exist_ok=True)
        started = self.log.stat().st_size if self.log.exists() else 0  # a restart looks past its earlier runs
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(  # noqa: S603 - this interpreter, this program, our own arguments
                [sys.executable, "-m", "exercise", *args, "--listen", self.listen], stdout=out,
                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
                env={**os.environ, "PYTHONUNBUFFERED": "1"})
        self._await_listening(started)

    def _await_listening(self, started: int) -> None:
        deadline = time.monotonic() + STARTS_WITHIN
        while time.monotonic() < deadline:
            text = self.log.read_bytes()[started:].decode("utf-8", errors="replace")
            found = HOSTING.search(text)
            if found:
                self.url = found.group(1)
                return
            if self.process is not None and self.process.poll() is not None:
                raise CellError(f"cell {self.name} stopped on start: {text[-500:]}")
            time.sleep(0.05)
        raise CellError(f"cell {self.name} did not start listening within {STARTS_WITHIN:g} s (see {self.log})")

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def control_token(self) -> str:
        """The cell's control seat token, from the seats file it keeps beside its journal."""
        _, tokens = load_tickets(seats_path(self.journal))
        return tokens[Seat("control")]

    def kill(self) -> None:
        """Kill the cell's process at once (as a crash would)."""
        if self.process is not None and self.alive():
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        """Stop the cell as an operator would: it journals where its clock stopped."""
        if self.process is not None and self.alive():
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


def revive(cells: list[Cell]) -> list[str]:
    """Start again every cell whose process has gone, from its journal; the names of those started."""
    revived = []
    for cell in cells:
        if cell.process is not None and not cell.alive():
            cell.restarts += 1
            cell.start()
            revived.append(cell.name)
    return revived


def plan(scenario: str, count: int, host: str, port: int, folder: Path, seed: int, paired: bool,
         extra: list[str]) -> list[Cell]:
    """``count`` cells of ``scenario`` on ports ``port`` .. ``port + count - 1``; one seed, or paired seeds."""
    return [Cell(name=f"cell-{k}", journal=folder / f"cell-{k}.jsonl", listen=f"{host}:{port + k - 1}",
                 serve_args=[scenario, "--seed", str(seed + (k - 1 if paired else 0)), *extra])
            for k in range(1, count + 1)]


__all__ = ["Cell", "CellError", "plan", "revive"]
