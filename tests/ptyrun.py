"""Run `python -m exercise ...` on a pseudo-terminal, as a person's terminal would, and read all it prints."""

from __future__ import annotations

import os
import pty
import sys
from pathlib import Path


def run_on_a_pty(args: list[str], env: dict[str, str], cwd: Path | None = None) -> bytes:
    pid, fd = pty.fork()
    if pid == 0:  # the child runs the command on the pseudo-terminal
        if cwd is not None:
            os.chdir(cwd)
        os.environ.update(env)
        os.execvp(sys.executable, [sys.executable, "-m", "exercise", *args])
    out = []
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        out.append(chunk)
    os.waitpid(pid, 0)
    return b"".join(out)
