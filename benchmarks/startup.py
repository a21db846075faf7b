"""Start-up: each command as a user runs it, beside `python -c "import simpy"` in the same run.

The commands and the baseline are run in turns (interleaved, so a busier moment of
the machine weighs on all of them alike), several times each; the median counts.
Goal: `validate` and `simulate` of election-week within 2x of the baseline.
Also lists the top-level packages each command imports, to check that no command
loads what it does not use (Textual only for `run`/`join`), and two floors measured in
the same turns: importing pydantic, and importing pydantic with the scenario models built
(what any command that reads a scenario must pay before it reads a byte).
Run: python benchmarks/startup.py [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASELINE = [sys.executable, "-c", "import simpy"]
FLOORS = {
    "floor: python -c 'import pydantic'": [sys.executable, "-c", "import pydantic"],
    "floor: + the scenario models": [sys.executable, "-c",
                                     "import exercise.scenario.models, exercise.scenario.catalogue"],
}


def commands(folder: Path) -> dict[str, list[str]]:
    journal = folder / "j.jsonl"
    subprocess.run([sys.executable, "-m", "exercise", "simulate", "election-week", "--seed", "1",
                    "--journal", str(journal)], check=True, capture_output=True, env=ENV)
    exercise = [sys.executable, "-m", "exercise"]
    return {
        "exercise --help": [*exercise, "--help"],
        "exercise validate election-week": [*exercise, "validate", "election-week"],
        "exercise simulate election-week": [*exercise, "simulate", "election-week", "--seed", "1", "--no-journal"],
        "exercise report (election-week journal)": [*exercise, "report", str(journal)],
        "exercise catalogue": [*exercise, "catalogue"],
    }


# As on a user's machine, where the first run leaves each module's bytecode behind: a machine
# that sets PYTHONDONTWRITEBYTECODE would compile every edited module at every start.
ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def timed(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=ENV)
    return time.perf_counter() - start


def imported(argv: list[str]) -> set[str]:
    done = subprocess.run([argv[0], "-X", "importtime", *argv[1:]], capture_output=True, text=True)
    return {line.split("|")[-1].strip().split(".")[0] for line in done.stderr.splitlines()
            if line.startswith("import time:") and "|" in line}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        runs = FLOORS | commands(Path(folder))
        for argv in [BASELINE, *runs.values()]:  # warm the file cache and write the bytecode first
            timed(argv)
        times: dict[str, list[float]] = {"python -c 'import simpy'": []} | {name: [] for name in runs}
        for _ in range(args.repeat):
            times["python -c 'import simpy'"].append(timed(BASELINE))
            for name, argv in runs.items():
                times[name].append(timed(argv))
        base = statistics.median(times["python -c 'import simpy'"])
        heavy = {"textual", "jinja2", "pygal", "docx", "openpyxl", "typst", "stix2", "websockets", "simpy", "rich"}
        print(f"{'command':44} {'median':>8} {'x baseline':>10}  heavy packages imported")
        for name, values in times.items():
            median = statistics.median(values)
            loaded = "" if not name.startswith("exercise") else ", ".join(sorted(imported(runs[name]) & heavy)) or "-"
            print(f"{name:44} {median * 1e3:6.0f} ms {median / base:9.2f}x  {loaded}")


if __name__ == "__main__":
    main()
