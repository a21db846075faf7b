"""Build the optional compiled engine into this checkout, or remove it.

    python scripts/compile_engine.py          # the same as: HATCH_BUILD_HOOK_ENABLE_MYPYC=1 pip install --no-deps -e .
    python scripts/compile_engine.py --clean  # back to pure Python

The build is pyproject.toml's mypyc hook (hatch-mypyc): in an editable install it puts the
engine's hot modules, compiled to C extensions, beside their .py files, and Python imports
an extension in preference to the .py of the same name. Nothing else changes; --clean
removes the extensions and the pure-Python engine is back. pip fetches mypyc into the
build's own environment, so a C compiler and Python's headers are all the machine needs.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"


def compiled(src: Path = SRC) -> list[Path]:
    # The engine's modules, and the library mypyc shares between them (at the top of src).
    return sorted((src / "exercise" / "engine").glob("*.so")) + sorted(src.glob("*__mypyc*.so"))


def clean(src: Path = SRC) -> None:
    for path in compiled(src):
        path.unlink()
        print(f"removed {path}")


def build() -> None:
    clean()
    command = [sys.executable, "-m", "pip", "install", "--no-deps", "-e", str(ROOT)]
    print("HATCH_BUILD_HOOK_ENABLE_MYPYC=1", " ".join(command), flush=True)
    done = subprocess.run(command, env={**os.environ, "HATCH_BUILD_HOOK_ENABLE_MYPYC": "1"}, check=False)
    if done.returncode:
        sys.exit(done.returncode)
    for path in compiled():
        print(f"built {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clean", action="store_true", help="remove the compiled modules")
    args = parser.parse_args()
    clean() if args.clean else build()


if __name__ == "__main__":
    main()
