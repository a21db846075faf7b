"""The threat frameworks technique ids are checked against, shipped as package data.

``data/frameworks/`` holds the current technique ids and names of the DISARM Red
Framework, ATT&CK Enterprise and ATT&CK for ICS, with their licences; the
maintainer script ``tools/update_frameworks.py`` rebuilds them from the upstream
repositories. Ids are written with their framework (``disarm:T0087``,
``attack:T1486``, ``ics:T0864``) because DISARM and ATT&CK for ICS share one
number shape: ``T0864`` alone could be either.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Annotated

from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError


@dataclass(frozen=True)
class Framework:
    prefix: str
    name: str
    version: str
    source: str
    licence: str
    ids: dict[str, str]  # id -> technique name
    stix: dict[str, str]  # id -> the publisher's STIX id of the technique's attack-pattern


FILES = {"disarm": "disarm.json", "attack": "attack.json", "ics": "ics.json"}
TECHNIQUE_PATTERN = r"^(disarm|attack|ics):T\d{4}(\.\d{3})?$"
_BARE = re.compile(r"^T\d{4}(\.\d{3})?$")
_TACTIC = re.compile(r"^(?:(disarm|attack|ics):)?TA\d{4}$")
HOW = "write 'disarm:T0087' (DISARM), 'attack:T1486' (ATT&CK Enterprise) or 'ics:T0864' (ATT&CK for ICS)"


@lru_cache(maxsize=None)
def framework(prefix: str) -> Framework:
    raw = resources.files("exercise.scenario").joinpath(f"data/frameworks/{FILES[prefix]}").read_text("utf-8")
    data = json.loads(raw)
    return Framework(prefix, data["framework"], data["version"], data["source"], data["licence"], data["ids"],
                     data.get("stix", {}))


def _check(value: str) -> str:
    if _TACTIC.match(value):
        raise PydanticCustomError(
            "technique", "{value} is a tactic, not a technique; list the techniques used, e.g. "
            "'ics:T0826' (Loss of Availability) for the ICS Impact tactic", {"value": value})
    if _BARE.match(value):
        owners = [prefix for prefix in FILES if value in framework(prefix).ids]
        if len(owners) == 1:
            raise PydanticCustomError(
                "technique", "{value} is {name}: write {prefix}:{value} (ids name their framework)",
                {"value": value, "name": framework(owners[0]).name, "prefix": owners[0]})
        if owners:
            raise PydanticCustomError(
                "technique", "{value} is in {names}: write {choices}, for the one you mean",
                {"value": value, "names": " and ".join(framework(p).name for p in owners),
                 "choices": " or ".join(f"{p}:{value}" for p in owners)})
        raise PydanticCustomError(
            "technique", "{value} is in none of the shipped frameworks; ids name their framework: {how}",
            {"value": value, "how": HOW})
    if not re.match(TECHNIQUE_PATTERN, value):
        raise PydanticCustomError("technique", "not a technique id: {how}", {"how": HOW})
    prefix, _, ident = value.partition(":")
    known = framework(prefix)
    if ident not in known.ids:
        raise PydanticCustomError(
            "technique", "{ident} is not a technique of {name} ({version})",
            {"ident": ident, "name": known.name, "version": known.version})
    return value


Technique = Annotated[
    str,
    AfterValidator(_check),
    Field(description="Technique id with its framework: 'disarm:T0088.001' (DISARM Red), "
                      "'attack:T1486' (ATT&CK Enterprise) or 'ics:T0864' (ATT&CK for ICS); checked against "
                      "the framework lists shipped with exercise."),
]
