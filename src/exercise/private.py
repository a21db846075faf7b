"""Files beside a journal that are the facilitator's alone: never opened through a symbolic link (a journal
folder someone else prepared could point one at any file), always mode 0600, even if they already existed."""

from __future__ import annotations

import errno
import os
from pathlib import Path


def open_private(path: Path, flags: int) -> int:
    """``os.open`` with O_NOFOLLOW; a file it creates or truncates is made 0600 whatever its mode was."""
    try:
        handle = os.open(path, flags | os.O_NOFOLLOW, 0o600)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise OSError(errno.ELOOP, "is a symbolic link: it must be a file of its own", str(path)) from None
        raise
    if flags & (os.O_CREAT | os.O_WRONLY):
        os.fchmod(handle, 0o600)
    return handle


def write_private(path: Path, text: str) -> None:
    with os.fdopen(open_private(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC), "w", encoding="utf-8") as out:
        out.write(text)


def read_private(path: Path, limit: int = 1_000_000) -> str:
    with os.fdopen(open_private(path, os.O_RDONLY), encoding="utf-8") as handle:
        return handle.read(limit)
