"""What the packaged catalogue meant before engine model 5, for journals recorded then.

Model 5 made counters act only on the tags a measure declares, scoped findings to a
campaign, and turned the investigations' certain identification into a chance some
months later. The catalogue was re-tagged at the same time, so a journal of model 3
or 4 replays exactly only if its measures keep their old meaning: these are the
catalogue measures that carried tags then, and those that established a finding at
once.
"""

from __future__ import annotations

from exercise.scenario.catalogue import Response, load_catalogue

# Catalogue measures whose counters carried tags before model 5; every other one countered
# its whole domains.
TAGGED_BEFORE_5 = frozenset({"FIMI-08", "PAR-01", "CAB-01", "NATO-02", "LE-04", "AI-01", "MED-01"})

# Findings catalogue measures established with certainty on taking effect before model 5.
ESTABLISHED_BEFORE_5 = {"NAT-03": ("perpetrators_identified",), "LE-02": ("perpetrators_identified",)}


def _from_catalogue(response: Response) -> bool:
    packaged = load_catalogue().get(response.id)
    return packaged is not None and packaged.counters == response.counters


def counters_everything(response: Response) -> bool:
    """Before model 5: whether this measure countered its domains whatever the stage's tags."""
    if not response.counters.tags:
        return True
    return response.id not in TAGGED_BEFORE_5 and _from_catalogue(response)


def established(response: Response) -> tuple[str, ...]:
    """Before model 5: the findings this measure established at once."""
    if response.id in ESTABLISHED_BEFORE_5 and load_catalogue().get(response.id) is not None:
        return tuple(response.establishes) + ESTABLISHED_BEFORE_5[response.id]
    return tuple(response.establishes)
