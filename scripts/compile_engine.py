"""Compile the engine's hot modules with mypyc, in place, for an editable install (optional).

    pip install -e '.[fast]'
    python scripts/compile_engine.py          # builds src/exercise/engine/*.so beside the .py files
    python scripts/compile_engine.py --clean  # back to pure Python

Python imports a C extension in preference to the .py of the same name, so after a
build the engine runs compiled and nothing else changes; --clean removes the
extensions and the pure-Python path is back. Pure Python is the default and what CI
tests. The compiled engine replays the journal corpus to the same event-log hashes
(tests/test_journal_corpus.py passes against it); benchmarks/README.md has the gain.

mypyc compiles only code that type-checks. The engine leans on invariants mypy cannot
see (an Optional that the scenario's validation guarantees is set, for example), so
this build relaxes those error codes (mypyc.ini) rather than littering the engine with
casts; a wrong guess there fails at run time with a TypeError, not silently.
mypyc fails with an internal error on lambdas that capture the same name in two branches of
one function, which is why conditions.py builds each kind of response predicate in a helper.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
MODULES = ["exercise/engine/world.py", "exercise/engine/triggers.py", "exercise/engine/indicators.py",
           "exercise/engine/rng.py", "exercise/engine/conditions.py", "exercise/engine/objectives.py",
           "exercise/engine/prepared.py", "exercise/engine/state.py"]


def compiled(src: Path = SRC) -> list[Path]:
    return sorted((src / "exercise" / "engine").glob("*.so")) + sorted(src.glob("*__mypyc*.so"))


def clean(src: Path = SRC) -> None:
    for path in compiled(src):
        path.unlink()
        print(f"removed {path}")


def build(src: Path = SRC) -> None:
    if shutil.which("mypyc") is None:
        sys.exit("mypyc is not installed: pip install -e '.[fast]'")
    clean(src)
    # mypyc builds in place (the extensions land beside the .py files) with its work in src/build.
    subprocess.run(["mypyc", "--config-file", str(ROOT / "scripts" / "mypyc.ini"), *MODULES],
                   cwd=src, check=True, stdout=subprocess.DEVNULL)
    shutil.rmtree(src / "build", ignore_errors=True)
    for path in compiled(src):
        print(f"built {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clean", action="store_true", help="remove the compiled modules")
    parser.add_argument("--src", type=Path, default=SRC,
                        help="the source folder that holds exercise/ (default: this checkout's src; "
                             "the tests build a copy)")
    args = parser.parse_args()
    clean(args.src.resolve()) if args.clean else build(args.src.resolve())


if __name__ == "__main__":
    main()
