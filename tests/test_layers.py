"""Imports point down only, checked on this project's own source (every import, also inside functions).

Layers, bottom up: scenario <- engine <- session <- report / tui <- cli. Only the
session may use the engine; only the console (and the CLI that opens it) may use
Textual; and the engine's modules form no import circle among themselves.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "exercise"
# helpers any layer may use
BASE = {"exercise", "exercise.plain", "exercise.limits", "exercise.terminal", "exercise.collector", "exercise.private"}
LAYER = {"scenario": 0, "engine": 1, "session": 2, "report": 3, "cli_output": 3, "cli_whatif": 4, "net": 3, "tui": 4, "cli": 5,
         "__main__": 6}


def _module(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


GRAPH = {_module(p): _imports(p) for p in SRC.rglob("*.py")}


def _layer(module: str) -> str | None:
    return None if module in BASE else module.split(".")[1]


def test_imports_point_down() -> None:
    wrong = []
    for module, imports in GRAPH.items():
        layer = _layer(module)
        for imported in imports:
            if imported.split(".")[0] in ("textual", "textual_serve") and layer not in ("tui",):
                wrong.append(f"{module} imports {imported}: only the console may use Textual")
            if not imported.startswith("exercise") or imported in BASE or layer is None:
                continue
            target = _layer(imported)
            if target == "engine" and layer not in ("engine", "session"):
                wrong.append(f"{module} imports {imported}: only the session may use the engine")
            elif LAYER[target] > LAYER[layer] or (LAYER[target] == LAYER[layer] and target != layer):
                wrong.append(f"{module} imports {imported}: {target} is not below {layer}")
    assert not wrong, "\n".join(sorted(wrong))


# The screens are clients: the team console and the room's display talk through net.client (and read
# the wire's types); the facilitator console hosts through what the CLI hands it (tui/hostlink.py), so
# no screen imports the server side.
CLIENT_SIDE = {"exercise.net.client", "exercise.net.wire"}


def test_screens_are_clients_of_the_network_never_its_server() -> None:
    wrong = [f"{module} imports {imported}" for module, imports in GRAPH.items() if _layer(module) == "tui"
             for imported in imports if imported.startswith("exercise.net") and imported not in CLIENT_SIDE]
    assert not wrong, "\n".join(sorted(wrong))
    console = {i for i in GRAPH["exercise.tui.app"] if i.startswith("exercise.net")}
    assert not console, f"the facilitator console imports {sorted(console)}"


def _reads_the_world(path: Path) -> list[int]:
    return [node.lineno for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Attribute) and node.attr == "world"]


def test_above_the_session_everything_reads_views() -> None:
    """The console, the report and the CLI read views (session/views.py), never the live World."""
    wrong = [f"{_module(p)}:{line} reads .world" for p in SRC.rglob("*.py")
             if (layer := _layer(_module(p))) is not None and LAYER[layer] > LAYER["session"]
             for line in _reads_the_world(p)]
    assert not wrong, "\n".join(wrong)


def test_the_views_check_sees_a_world_read(tmp_path: Path) -> None:
    planted = tmp_path / "planted.py"
    planted.write_text("def f(session):\n    return session.world.events\n", encoding="utf-8")
    assert _reads_the_world(planted) == [2]


def test_no_import_circle_inside_the_engine() -> None:
    engine = {m: {i for i in imports if i.startswith("exercise.engine.")} for m, imports in GRAPH.items()
              if m.startswith("exercise.engine.")}

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})) for nxt in engine.get(start, ()))

    circles = [m for m in engine if reaches(m, m, set())]
    assert not circles, f"modules in an import circle: {sorted(circles)}"


def test_the_check_sees_a_wrong_import(tmp_path: Path) -> None:
    """The rule above must catch what it forbids: Textual in the session, the engine in the report."""
    bad = ast.parse("def f():\n    import textual\n    from exercise.engine.world import World\n")
    names = {a.name for n in ast.walk(bad) if isinstance(n, ast.Import) for a in n.names}
    names |= {n.module for n in ast.walk(bad) if isinstance(n, ast.ImportFrom)}
    assert names == {"textual", "exercise.engine.world"}
    saved = GRAPH["exercise.report.render"]
    GRAPH["exercise.report.render"] = saved | names
    try:
        with pytest.raises(AssertionError, match="render imports textual: only the console"):
            test_imports_point_down()
    finally:
        GRAPH["exercise.report.render"] = saved


def test_headless_commands_do_not_load_textual() -> None:
    """What the import statements say, the interpreter confirms: no Textual below the console."""
    code = ("import sys, json, exercise.report.session, exercise.report.guide, exercise.session.montecarlo, "
            "exercise.cli_output, exercise.scenario.lint; "
            "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))")
    loaded = set(json.loads(subprocess.run([sys.executable, "-c", code], check=True,
                                           capture_output=True, text=True).stdout))
    assert "textual" not in loaded



def _loaded_by(*argv: str) -> set[str]:
    """The modules a CLI command has imported by the time it exits (run in a fresh interpreter)."""
    code = ("import atexit, json, sys\n"
            "atexit.register(lambda: sys.__stderr__.write('MODULES' + json.dumps(sorted(sys.modules)) + '\\n'))\n"
            "from exercise.cli import main\n"
            f"sys.argv = ['exercise', *{list(argv)!r}]\n"
            "main()\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=SRC.parent.parent)
    line = next(ln for ln in done.stderr.splitlines() if ln.startswith("MODULES"))
    return set(json.loads(line.removeprefix("MODULES")))


@pytest.mark.parametrize(("argv", "absent"), [
    (["--help"], {"textual", "pydantic", "simpy", "jinja2", "rich.progress", "exercise.scenario.models"}),
    (["validate", "election-week"], {"textual", "simpy", "jinja2", "pygal", "rich.progress"}),
    (["simulate", "election-week", "--no-journal"], {"textual", "jinja2", "pygal", "rich.progress",
                                                     "exercise.session.montecarlo"}),
    (["catalogue", "--toolbox", "dsa"], {"textual", "simpy", "jinja2"}),
])
def test_each_command_imports_only_what_it_uses(argv: list[str], absent: set[str]) -> None:
    loaded = _loaded_by(*argv)
    assert "exercise.cli" in loaded
    assert not absent & loaded, sorted(absent & loaded)
