"""The techniques the exercise put in play, as ATT&CK Navigator layers (format 4.5), one per framework.

A file holds a list of layers, as the Navigator saves several open layers:
ATT&CK Enterprise, ATT&CK for ICS, and DISARM (whose navigator reads the same
format, domain "DISARM"). Each technique is coloured by how the players met it
across the stages that used it: countered, detected only, or missed.
"""

from __future__ import annotations

import json

from exercise.report.model import Report
from exercise.scenario.frameworks import framework

LAYER_VERSION = "4.5"
DOMAINS = {"attack": "enterprise-attack", "ics": "ics-attack", "disarm": "DISARM"}
COLOURS = {"countered": "#2e8b57", "detected": "#d08b00", "missed": "#c0392b"}
WARNING = "EXERCISE DATA - NOT REAL."


def to_navigator(report: Report, compare: Report | None = None) -> str:
    status: dict[str, tuple[str, list[str]]] = {}
    rank = {"missed": 0, "detected": 1, "countered": 2}
    for row in report.ground_truth:
        seen = "countered" if row.countered_by else "detected" if row.detected is not None else "missed"
        for technique in row.techniques:
            best, stages = status.get(technique, ("missed", []))
            status[technique] = (max(best, seen, key=lambda word: rank[word]), stages + [row.stage])
    layers = []
    for prefix, domain in DOMAINS.items():
        mine = {t: s for t, s in status.items() if t.startswith(prefix + ":")}
        if not mine:
            continue
        layers.append({
            "name": f"{report.overview.name}: {framework(prefix).name} ({report.handling.marking})",
            "versions": {"layer": LAYER_VERSION},
            "domain": domain,
            "description": f"{WARNING} Techniques of the exercise's adversary stages, seed {report.overview.seed}: "
                           "green countered, amber detected only, red missed.",
            "techniques": [{"techniqueID": t.split(":")[1], "color": COLOURS[seen], "enabled": True,
                            "score": rank[seen], "comment": f"{seen}; stages: {', '.join(stages)}"}
                           for t, (seen, stages) in sorted(mine.items())],
            "legendItems": [{"label": label, "color": colour} for label, colour in COLOURS.items()],
            "gradient": {"colors": [COLOURS["missed"], COLOURS["detected"], COLOURS["countered"]],
                         "minValue": 0, "maxValue": 2},
            "hideDisabled": False,
        })
    return json.dumps(layers, indent=1) + "\n"
