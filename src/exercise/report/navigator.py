"""The techniques the exercise put in play, as Navigator layers (layer format 4.5), one per framework.

ATT&CK Enterprise and ATT&CK for ICS layers load in the ATT&CK Navigator; the
DISARM layer loads in the DISARM Navigator (a fork of it, whose domain is
"DISARM"). Each layer names its versions: the layer format, the Navigator it
was written for, and the framework release the technique ids were checked
against. A technique is coloured by its worst outcome over the stages that
used it (missed, detected only, countered), with a legend.

``to_navigator`` gives every layer in one file (the format's list of layers,
which the ATT&CK Navigator opens at once); ``layer_files`` gives one file per
framework, which is what ``report --format navigator -o FILE`` writes.
"""

from __future__ import annotations

import json
import re
from typing import Any

from exercise.report.model import Report
from exercise.scenario.frameworks import framework

LAYER_VERSION = "4.5"
NAVIGATOR_VERSION = "5.1.0"  # the ATT&CK Navigator release that reads layer format 4.5
DOMAINS = {"attack": "enterprise-attack", "ics": "ics-attack", "disarm": "DISARM"}
COLOURS = {"missed": "#c0392b", "detected": "#d08b00", "countered": "#2e8b57"}
WARNING = "EXERCISE DATA - NOT REAL."
_RANK = {"missed": 0, "detected": 1, "countered": 2}


def _release(prefix: str) -> str:
    """The framework release as the Navigator names it: '18' for ATT&CK v18.1; DISARM's navigator calls its
    framework version 1."""
    found = re.search(r"ATT&CK v(\d+)", framework(prefix).version)
    return found.group(1) if found else "1"


def layers(report: Report) -> dict[str, dict[str, Any]]:
    """One layer per framework the exercise used, by framework prefix ('attack', 'ics', 'disarm')."""
    status: dict[str, tuple[str, list[str]]] = {}
    for row in report.ground_truth:
        seen = "countered" if row.countered_by else "detected" if row.detected is not None else "missed"
        for technique in row.techniques:
            worst, stages = status.get(technique, ("countered", []))
            status[technique] = (min(worst, seen, key=_RANK.__getitem__), stages + [row.stage])
    out = {}
    for prefix, domain in DOMAINS.items():
        mine = {t: s for t, s in status.items() if t.startswith(prefix + ":")}
        if not mine:
            continue
        out[prefix] = {
            "name": f"{report.overview.name}: {framework(prefix).name} ({report.handling.marking})",
            "versions": {"layer": LAYER_VERSION, "navigator": NAVIGATOR_VERSION, "attack": _release(prefix)},
            "domain": domain,
            "description": f"{WARNING} Techniques of the exercise's adversary stages (session "
                           f"{report.overview.session_id}, seed {report.overview.seed}), each coloured by its worst "
                           f"outcome: red missed, amber detected only, green countered. Ids checked against "
                           f"{framework(prefix).name} {framework(prefix).version}.",
            "techniques": [{"techniqueID": t.split(":")[1], "color": COLOURS[seen], "enabled": True,
                            "score": _RANK[seen], "comment": f"{seen}; stages: {', '.join(stages)}"}
                           for t, (seen, stages) in sorted(mine.items())],
            "legendItems": [{"label": label, "color": colour} for label, colour in COLOURS.items()],
            "gradient": {"colors": list(COLOURS.values()), "minValue": 0, "maxValue": 2},
            "hideDisabled": False,
        }
    return out


def to_navigator(report: Report, compare: Report | None = None) -> str:
    if compare is not None:
        raise ValueError("a Navigator layer shows one session: export each session on its own")
    return json.dumps(list(layers(report).values()), indent=1) + "\n"


def layer_files(report: Report) -> dict[str, str]:
    """One layer file per framework, by the domain it loads as (e.g. 'enterprise-attack')."""
    return {DOMAINS[prefix]: json.dumps(layer, indent=1) + "\n" for prefix, layer in layers(report).items()}
