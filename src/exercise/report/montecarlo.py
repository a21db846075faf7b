"""The AAR's Monte Carlo section, from the JSON of `exercise simulate --runs N --json` of the same scenario."""

from __future__ import annotations

from typing import Any

from exercise.report.model import MonteCarlo


def monte_carlo_section(data: Any, scenario_id: str) -> MonteCarlo:
    """The section; ValueError (or a pydantic ValidationError, a ValueError) when it is not one of this scenario."""
    if not isinstance(data, dict) or data.get("scenario") != scenario_id or "batches" not in data:
        raise ValueError(f"not a Monte Carlo result of {scenario_id}")
    seeds = data.get("seeds")
    if not (isinstance(seeds, list) and len(seeds) == 2 and all(type(s) is int and 0 <= s < 2**63 for s in seeds)):
        raise ValueError("seeds: give the first and the last seed, as two whole numbers")
    first, last = seeds
    batches = data["batches"]
    if not isinstance(batches, dict) or not all(isinstance(b, dict) for b in batches.values()):
        raise ValueError("batches: not what `simulate --json` writes")
    # In the order the batches ran: the paired differences are the later one's minus the first's.
    # (A result from before "order" was printed has its batches in key order.)
    order = data.get("order") or list(batches)
    return MonteCarlo.model_validate({
        "seeds": f"{first}-{last}", "runs": data["runs"], "interrupted": data.get("interrupted", False),
        "batches": [{"name": name, "objectives": batches[name]["objectives"], "final": batches[name].get("final", {}),
                     "lowest": batches[name].get("lowest", {})} for name in order],
        "paired": data.get("paired", []),
    })
