"""JSON Schema for scenario files, for editors (yaml-language-server speaks draft-07)."""

from __future__ import annotations

import json
from typing import Any

from exercise.scenario.models import Scenario

SCHEMA_FILE = "scenario.schema.json"


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


def scenario_schema() -> dict[str, Any]:
    schema = Scenario.model_json_schema(by_alias=True, ref_template="#/definitions/{model}")
    schema = _draft07(schema)
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "exercise scenario",
        **{k: v for k, v in schema.items() if k != "title"},
    }


def scenario_schema_text() -> str:
    return json.dumps(scenario_schema(), indent=2, ensure_ascii=False, sort_keys=False) + "\n"
