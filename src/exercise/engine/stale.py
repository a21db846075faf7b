"""Whether the optional compiled engine (scripts/compile_engine.py) is older than its source.

Python loads a compiled module in preference to the ``.py`` beside it, so an engine edited
(or updated by a pull) after a build would go on running the code of the build, silently.
The engine warns instead.
"""

from __future__ import annotations

import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent


class StaleBuild(UserWarning):
    """The compiled engine runs older code than the source beside it."""


def stale(folder: Path = HERE) -> list[str]:
    """The engine sources that changed after their compiled module was built."""
    found = []
    for built in folder.glob("*.so"):
        source = folder / (built.name.split(".", 1)[0] + ".py")
        if source.exists() and source.stat().st_mtime > built.stat().st_mtime:
            found.append(source.name)
    return sorted(found)


def warn_if_stale(folder: Path = HERE) -> None:
    names = stale(folder)
    if names:
        warnings.warn(f"the compiled engine is older than {', '.join(names)}: it runs the code it was built "
                      "from, not the source. Rebuild it (python scripts/compile_engine.py) or remove it "
                      "(python scripts/compile_engine.py --clean).", StaleBuild, stacklevel=2)
