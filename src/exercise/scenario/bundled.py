"""Scenarios shipped with the package, found by id (the file stem)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def bundled_dir() -> Path:
    """The installed copy (wheel) or, in a source checkout, the repository's scenarios/."""
    packaged = Path(str(resources.files("exercise"))) / "bundled"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "scenarios"


def bundled_ids() -> list[str]:
    folder = bundled_dir()
    return sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []


def resolve_scenario(name: str) -> Path | None:
    """A path that exists, or the bundled scenario with that id; None if neither."""
    path = Path(name)
    if path.is_file():
        return path
    if "/" not in name and "\\" not in name:
        candidate = bundled_dir() / f"{name.removesuffix('.yaml')}.yaml"
        if candidate.is_file():
            return candidate
    return None


def bundled_playbooks(scenario_id: str) -> list[str]:
    """Short names of the playbooks shipped for a scenario ('passive', 'proactive', ...)."""
    folder = bundled_dir() / "playbooks"
    return sorted(p.stem.removeprefix(f"{scenario_id}-") for p in folder.glob(f"{scenario_id}-*.yaml"))


def resolve_playbook(name: str, scenario_id: str) -> Path | None:
    """A path that exists, or the bundled playbook ``<scenario id>-<name>.yaml``; None if neither."""
    path = Path(name)
    if path.is_file():
        return path
    candidate = bundled_dir() / "playbooks" / f"{scenario_id}-{name.removesuffix('.yaml')}.yaml"
    return candidate if candidate.is_file() else None
