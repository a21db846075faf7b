"""The one Rich console the CLI prints tables with."""

from __future__ import annotations

import os
import sys

from rich.console import Console as RichConsole


class Console(RichConsole):
    """Rich's console with plain text only (no markup, no highlighting), and a reader that went
    away (``| head``) is no failure: Rich's own handler exits 1, which reads as invalid input."""

    def __init__(self, **kwargs) -> None:  # noqa: ANN003
        super().__init__(highlight=False, markup=False, **kwargs)

    def on_broken_pipe(self) -> None:
        self.quiet = True
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise SystemExit(0)
