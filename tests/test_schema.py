"""The committed JSON Schema is current, draft-07 valid, and agrees with the loader."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from exercise.scenario.schema import (
    PLAYBOOK_SCHEMA_FILE, SCHEMA_FILE, playbook_schema, scenario_schema, scenario_schema_text, schema_text,
)
from exercise.scenario.yamlsafe import parse_yaml

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))


def test_committed_schema_is_current() -> None:
    committed = (ROOT / "scenarios" / SCHEMA_FILE).read_text(encoding="utf-8")
    assert committed == scenario_schema_text(), "run: exercise schema -o scenarios/scenario.schema.json --force"


def test_committed_playbook_schema_is_current() -> None:
    committed = (ROOT / "scenarios" / "playbooks" / PLAYBOOK_SCHEMA_FILE).read_text(encoding="utf-8")
    assert committed == schema_text(playbook_schema()), \
        "run: exercise schema --playbook -o scenarios/playbooks/playbook.schema.json"


@pytest.mark.parametrize("path", sorted((ROOT / "scenarios" / "playbooks").glob("*.yaml")), ids=lambda p: p.stem)
def test_bundled_playbooks_match_their_schema(path: Path) -> None:
    assert path.read_text(encoding="utf-8").splitlines()[0] == "# yaml-language-server: $schema=playbook.schema.json"
    jsonschema.Draft7Validator(playbook_schema()).validate(parse_yaml(path.read_bytes(), str(path)).data)


def test_schema_is_draft_07() -> None:
    schema = scenario_schema()
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    jsonschema.Draft7Validator.check_schema(schema)
    assert "$defs" not in json.dumps(schema)


def test_every_property_has_a_description() -> None:
    """Descriptions are the editor's hover text; none may be missing."""
    missing = []
    for name, definition in scenario_schema()["definitions"].items():
        for prop, spec in definition.get("properties", {}).items():
            if "description" not in spec:
                missing.append(f"{name}.{prop}")
    assert not missing


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_bundled_scenarios_match_the_schema(path: Path) -> None:
    data = parse_yaml(path.read_bytes(), str(path)).data
    jsonschema.Draft7Validator(scenario_schema()).validate(data)


def test_schema_rejects_what_the_loader_rejects() -> None:
    validator = jsonschema.Draft7Validator(scenario_schema())
    data = parse_yaml((ROOT / "tests/data/tiny.yaml").read_bytes(), "tiny.yaml").data
    data["metadata"]["titel"] = data["metadata"].pop("title")
    assert not validator.is_valid(data)
    data = parse_yaml((ROOT / "tests/data/tiny.yaml").read_bytes(), "tiny.yaml").data
    data["metadata"]["duration"] = "3 hours"
    assert not validator.is_valid(data)
