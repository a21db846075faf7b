"""JSON Schemas for scenario and playbook files, for editors (yaml-language-server speaks draft-07)."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from exercise.scenario.models import Scenario

SCHEMA_FILE = "scenario.schema.json"
PLAYBOOK_SCHEMA_FILE = "playbook.schema.json"


def _draft07(node: Any) -> Any:
    """Rewrite pydantic's 2020-12 output into draft-07 terms."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "discriminator":  # OpenAPI keyword, meaningless to validators
                continue
            out["definitions" if key == "$defs" else key] = _draft07(value)
        return out
    if isinstance(node, list):
        return [_draft07(v) for v in node]
    return node


def json_schema(model: type[BaseModel], title: str) -> dict[str, Any]:
    schema = _draft07(model.model_json_schema(by_alias=True, ref_template="#/definitions/{model}"))
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": title,
        **{k: v for k, v in schema.items() if k != "title"},
    }


def scenario_schema() -> dict[str, Any]:
    return json_schema(Scenario, "exercise scenario")


def playbook_schema() -> dict[str, Any]:
    from exercise.scenario.playbook import Playbook

    return json_schema(Playbook, "exercise playbook")


def schema_text(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def scenario_schema_text() -> str:
    return schema_text(scenario_schema())
