"""Writing report files: never half a file, never over one by accident."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path


class NotAFile(Exception):
    """The output path is something other than a regular file: a device, a FIFO, a folder."""


def write_atomically(path: Path, text: str | bytes, *, force: bool = False) -> None:
    """Write to a temporary file beside ``path`` and rename it into place.

    Nothing that exists is replaced without ``force`` (a dangling symlink exists
    too), and nothing but a regular file is replaced even with it: --force on
    /dev/sda or a FIFO must not turn it into a plain file.
    """
    if os.path.lexists(path):
        if path.is_symlink() or not path.is_file():
            kind = "a symbolic link" if path.is_symlink() else "a folder" if path.is_dir() else "not a regular file"
            raise NotAFile(f"{path} is {kind}; it is never replaced, even with --force: write to a regular file")
        if not force:
            raise FileExistsError(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError:  # a file where a folder should be
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(path.parent)) from None
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(temp, 0o666 & ~umask)  # mkstemp makes 0600; a report is an ordinary file
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(text.encode("utf-8") if isinstance(text, str) else text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
