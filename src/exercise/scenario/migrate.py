"""Bring a scenario written for an earlier format to the current one (``exercise migrate``).

Only what has one right answer is changed, in place, with the file's comments and
layout kept (ruamel.yaml): a bare technique id that one shipped framework holds
gets its prefix, an indicator's ``source`` becomes its ``provenance``, and a
stage, detection, stage effect, indicator or custom measure without provenance
gets a skeleton marked ``design: to be reviewed``. Everything that needs the
author is listed as FILE:LINE:COL: a technique id two frameworks share or none
holds, and every skeleton to review.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

from exercise.scenario.frameworks import FILES, framework
from exercise.scenario.models import FORMAT

REVIEW = "design: to be reviewed"
_BARE = re.compile(r"^T\d{4}(\.\d{3})?$")
_CITED = re.compile(r"^(design|law|case|study|data)(:\s*\S.*)?$")


@dataclass
class Decision:
    line: int  # 1-based
    col: int
    message: str

    def where(self, file: str) -> str:
        return f"{file}:{self.line}:{self.col}: {self.message}"


def migrate(raw: bytes) -> tuple[bytes, list[Decision]]:
    """The file in the current format, and what its author must still decide."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    document = yaml.load(raw)
    decisions: list[Decision] = []

    def at(node: Any, key: Any = None) -> tuple[int, int]:
        try:
            line, col = node.lc.key(key) if key is not None else (node.lc.line, node.lc.col)
        except (AttributeError, KeyError, TypeError):
            return 1, 1
        return line + 1, col + 1

    def decide(node: Any, key: Any, message: str) -> None:
        decisions.append(Decision(*at(node, key), message))

    def skeleton(node: Any, what: str, measure: bool = False) -> None:
        if "provenance" in node:
            return
        node["provenance"] = ({"lead_time": REVIEW, "odds": REVIEW, "effects": REVIEW} if measure else REVIEW)
        decide(node, None, f"{what}: provenance added as '{REVIEW}'; say where its numbers come from")

    def techniques(node: Any, what: str) -> None:
        ids = node.get("techniques") or []
        for k, value in enumerate(list(ids)):
            if not isinstance(value, str) or not _BARE.match(value):
                continue
            owners = [prefix for prefix in FILES if value in framework(prefix).ids]
            if len(owners) == 1:
                ids[k] = f"{owners[0]}:{value}"
            else:
                held = " and ".join(framework(p).name for p in owners) or "none of the shipped frameworks"
                try:
                    line, col = ids.lc.item(k)
                    place = (line + 1, col + 1)
                except (AttributeError, KeyError, TypeError):
                    place = at(node, "techniques")
                decisions.append(Decision(*place, f"{what}: technique {value} is in {held}: write it with its "
                                                  "framework"))

    if "format" not in document:
        document.insert(0, "format", FORMAT)
    else:
        document["format"] = FORMAT
    for indicator in document.get("indicators") or []:
        if "source" in indicator and "provenance" not in indicator:
            old = str(indicator["source"])
            position = list(indicator.keys()).index("source")
            del indicator["source"]
            indicator.insert(position, "provenance", old if _CITED.match(old) else f"{REVIEW} (its source: {old})")
            if not _CITED.match(old):
                decide(indicator, "provenance", f"indicator {indicator.get('id')}: 'source' is now 'provenance'; "
                                                "write 'study: ...', 'data: ...' or 'design: ...'")
        skeleton(indicator, f"indicator {indicator.get('id')}")
    for campaign in document.get("campaigns") or []:
        techniques(campaign, f"campaign {campaign.get('id')}")
        for stage in campaign.get("stages") or []:
            where = f"stage {campaign.get('id')}.{stage.get('id')}"
            techniques(stage, where)
            skeleton(stage, where)
            if stage.get("detection") is not None:
                skeleton(stage["detection"], f"{where} detection")
            for effect in stage.get("effects") or []:
                skeleton(effect, f"{where} effect on {effect.get('indicator')}")
    for measure in (document.get("responses") or {}).get("custom") or []:
        skeleton(measure, f"custom measure {measure.get('id')}", measure=True)
    out = io.StringIO()
    yaml.dump(document, out)
    return out.getvalue().encode("utf-8"), decisions


__all__ = ["REVIEW", "Decision", "migrate"]
