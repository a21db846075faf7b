"""The optional compiled engine (pyproject.toml's mypyc hook) builds, and runs as the pure one does.

The build is the one a user asks for with HATCH_BUILD_HOOK_ENABLE_MYPYC=1: pip installs a wheel
built from a copy of this checkout into a folder, so the checkout stays pure Python. A child
process runs against that folder: it must load the compiled modules, replay the journal corpus
to the recorded event-log hashes, and give every bundled scenario's runs (full and lean, with
every playbook) the same log and outcome as the pure engine here.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import pytest

from exercise.engine.events import log_to_jsonl
from exercise.scenario import load_scenario
from exercise.scenario.playbook import load_playbook
from exercise.session.headless import outcome, simulate

ROOT = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent
SEEDS = range(1, 6)


def _missing() -> str | None:
    if importlib.util.find_spec("hatch_mypyc") is None or importlib.util.find_spec("mypyc") is None:
        return "hatch-mypyc is not installed (pip install -e '.[test]')"
    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(compiler) is None:
        return f"no C compiler ({compiler}) on this machine"
    if not (Path(sysconfig.get_paths()["include"]) / "Python.h").exists():
        return "Python's C headers are not installed"
    return None


def runs() -> dict[str, list[str]]:
    """Per bundled scenario, playbook and seed: the full run's log hash and the lean run's outcome."""
    found = {}
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        loaded = load_scenario(path)
        for book in [None, *sorted((ROOT / "scenarios" / "playbooks").glob(f"{path.stem}-*.yaml"))]:
            playbook = load_playbook(book, loaded)[0] if book else None
            for seed in SEEDS:
                log = log_to_jsonl(simulate(loaded, seed, playbook).events)
                lean = outcome(simulate(loaded, seed, playbook, lean=True))
                found[f"{path.stem}/{book.stem if book else '-'}/{seed}"] = [
                    hashlib.sha256(log.encode()).hexdigest(), repr(lean)]
    return found


# The child loads this module and the corpus test by path, so that it checks with their code.
_CHILD = """
import hashlib, importlib.util, json, sys
from pathlib import Path

def module(path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    found = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(found)
    return found

tests, work = Path(sys.argv[1]), Path(sys.argv[2])
corpus = module(tests / "test_journal_corpus.py")
here = module(tests / "test_compiled_engine.py")
import exercise.engine.world as world
from exercise.engine.events import log_to_jsonl
from exercise.session.live import replay
replayed = {}
for name in sorted(corpus.EXPECTED):
    session, _ = replay(corpus._here(corpus.CORPUS / name, work))
    replayed[name] = hashlib.sha256(log_to_jsonl(session.world.events).encode()).hexdigest()
print(json.dumps({"world": world.__file__, "corpus": replayed, "runs": here.runs()}))
"""


@pytest.mark.slow
@pytest.mark.skipif(_missing() is not None, reason=_missing() or "")
def test_the_compiled_engine_runs_exactly_as_the_pure_one(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    for part in ("pyproject.toml", "README.md", "scenarios", "src"):
        if (ROOT / part).is_dir():
            shutil.copytree(ROOT / part, tree / part, ignore=shutil.ignore_patterns("__pycache__", "*.so"))
        else:
            shutil.copy2(ROOT / part, tree / part)
    installed = tmp_path / "installed"
    # Without build isolation the hook uses this environment's hatch-mypyc and mypy (the test
    # extras) instead of fetching them.
    built = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                            "--target", str(installed), str(tree)], capture_output=True, text=True, timeout=900,
                           env={**os.environ, "HATCH_BUILD_HOOK_ENABLE_MYPYC": "1"})
    assert built.returncode == 0, built.stderr[-4000:]
    included = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))[
        "tool"]["hatch"]["build"]["targets"]["wheel"]["hooks"]["mypyc"]["include"]
    compiled = {p.name.split(".")[0] for p in (installed / "exercise" / "engine").glob("*.so")}
    assert compiled == {Path(module).stem for module in included}, built.stdout

    work = tmp_path / "journals"
    work.mkdir()
    child = subprocess.run([sys.executable, "-c", _CHILD, str(TESTS), str(work)], capture_output=True, text=True,
                           timeout=900, env={**os.environ, "PYTHONPATH": str(installed)})
    assert child.returncode == 0, child.stderr[-4000:]
    got = json.loads(child.stdout)
    assert got["world"].endswith(".so"), got["world"]  # the compiled module, not the .py beside it
    corpus = json.loads((ROOT / "tests" / "data" / "journals" / "event-logs.sha256.json").read_text())
    assert got["corpus"] == corpus
    assert got["runs"] == runs()


def test_a_compiled_module_older_than_its_source_is_told(tmp_path: Path) -> None:
    from exercise.engine.stale import StaleBuild, stale, warn_if_stale

    source, built = tmp_path / "world.py", tmp_path / "world.cpython-311-x86_64-linux-gnu.so"
    for path in (built, source, tmp_path / "rng.py"):  # rng.py has no build: nothing to tell
        path.write_text("")
    os.utime(built, (1_000, 1_000))  # built long before the source last changed
    assert stale(tmp_path) == ["world.py"]
    with pytest.warns(StaleBuild, match="older than world.py"):
        warn_if_stale(tmp_path)
    os.utime(built, None)
    os.utime(source, (1_000, 1_000))  # rebuilt since
    assert stale(tmp_path) == []
    assert stale() == []  # this checkout runs pure Python (or a build newer than its source)


def test_the_cli_tells_a_stale_build_as_a_line(capsys: pytest.CaptureFixture[str]) -> None:
    from exercise.cli import _show_warning
    from exercise.engine.stale import StaleBuild

    _show_warning(StaleBuild("the compiled engine is older than world.py"), StaleBuild, "x.py", 1)
    assert capsys.readouterr().err == "exercise: warning: the compiled engine is older than world.py\n"
