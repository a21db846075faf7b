"""Rebuild the technique id lists shipped in src/exercise/scenario/data/frameworks/.

Run from the repository root with local clones of the two upstream repositories:

    python tools/update_frameworks.py --disarm PATH/TO/DISARMframeworks --cti PATH/TO/mitre-cti

Only ids that are current (not revoked, not deprecated) are kept, with their names,
so that a scenario's technique ids can be checked and shown by name. The upstream
licences are copied beside the lists, as both licences require.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
from pathlib import Path

OUT = Path("src/exercise/scenario/data/frameworks")


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True,
                          capture_output=True, text=True).stdout


def _show(repo: Path, path: str) -> str:
    return _git(repo, "show", f"HEAD:{path}")


def _techniques(objects: list[dict], source_names: set[str]) -> tuple[dict[str, str], dict[str, str]]:
    """(technique id -> name, technique id -> the publisher's STIX id of its attack-pattern)."""
    ids: dict[str, str] = {}
    stix: dict[str, str] = {}
    for obj in objects:
        if obj.get("type") != "attack-pattern" or obj.get("revoked") or obj.get("x_mitre_deprecated"):
            continue
        for ref in obj.get("external_references", []):
            if ref.get("source_name") in source_names and "external_id" in ref:
                ids[ref["external_id"]] = obj["name"]
                stix[ref["external_id"]] = obj["id"]
    return dict(sorted(ids.items())), dict(sorted(stix.items()))


def _write(name: str, meta: dict, found: tuple[dict[str, str], dict[str, str]]) -> None:
    ids, stix = found
    # The STIX ids let an export reference a technique as its publisher does, so that a
    # threat-intelligence platform merges it with the framework it already holds.
    (OUT / name).write_text(json.dumps({**meta, "ids": ids, "stix": stix}, indent=1, ensure_ascii=False) + "\n",
                            encoding="utf-8")
    print(f"{name}: {len(ids)} ids")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--disarm", type=Path, required=True)
    parser.add_argument("--cti", type=Path, required=True)
    args = parser.parse_args()

    commit = _git(args.disarm, "log", "-1", "--format=%h %ad", "--date=short").strip()
    disarm = json.loads(_show(args.disarm, "generated_files/DISARM_STIX/DISARM.json"))["objects"]
    _write("disarm.json", {
        "framework": "DISARM Red Framework",
        "version": f"DISARMframeworks main at {commit}",
        "source": "https://github.com/DISARMFoundation/DISARMframeworks",
        "licence": "CC BY-SA 4.0; see DISARM-LICENSE.md",
    }, tuple({k: v for k, v in found.items() if k.startswith("T")}  # type: ignore[arg-type]
             for found in _techniques(disarm, {"mitre-attack", "DISARM"})))
    (OUT / "DISARM-LICENSE.md").write_text(_show(args.disarm, "LICENSE.md"), encoding="utf-8")

    cti_commit = _git(args.cti, "log", "-1", "--format=%h %ad", "--date=short").strip()
    # The cti repository names the ATT&CK release only in its commit subjects ("ATT&CK v18.1 ...").
    release = re.search(r"ATT&CK v[0-9.]+", _git(args.cti, "log", "-1", "--format=%s"))
    for domain, out, label in (("enterprise-attack", "attack.json", "ATT&CK Enterprise"),
                               ("ics-attack", "ics.json", "ATT&CK for ICS")):
        names = _git(args.cti, "ls-tree", "--name-only", "HEAD", f"{domain}/attack-pattern/").split()
        objects = [json.loads(_show(args.cti, name))["objects"][0] for name in names]
        _write(out, {
            "framework": label,
            "version": f"{release.group(0) if release else 'ATT&CK'} (mitre/cti at {cti_commit})",
            "source": "https://github.com/mitre/cti",
            "licence": "ATT&CK terms of use; see ATTACK-LICENSE.txt",
        }, _techniques(objects, {"mitre-attack"}))
    (OUT / "ATTACK-LICENSE.txt").write_text(_show(args.cti, "LICENSE.txt"), encoding="utf-8")


if __name__ == "__main__":
    main()
