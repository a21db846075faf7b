"""`exercise migrate` brings a scenario of the previous format to the current one (issue 38, item 4)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from exercise.cli import main
from exercise.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]


def old_format(name: str) -> bytes:
    """A bundled scenario as the previous format wrote it: bare technique ids, 'source' on indicators, no
    provenance on stages, detections and effects, no 'format' key."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.width = 4096
    document = yaml.load((ROOT / "scenarios" / f"{name}.yaml").read_bytes())
    del document["format"]
    for indicator in document["indicators"]:
        indicator["source"] = "design"
        del indicator["provenance"]
    for campaign in document["campaigns"]:
        campaign["techniques"] = [t.split(":")[1] for t in campaign.get("techniques") or []]
        for stage in campaign["stages"]:
            stage.pop("provenance", None)
            if stage.get("techniques"):
                stage["techniques"] = [t.split(":")[1] for t in stage["techniques"]]
            if stage.get("detection") is not None:
                stage["detection"].pop("provenance", None)
            for effect in stage.get("effects") or []:
                effect.pop("provenance", None)
    out = io.StringIO()
    yaml.dump(document, out)
    return out.getvalue().encode()


@pytest.mark.parametrize("name", ["election-week", "baltic-winter", "port-and-platforms"])
def test_migrate_turns_the_previous_format_into_a_file_that_validates(name: str, tmp_path: Path) -> None:
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_bytes(old_format(name))
    refused = CliRunner().invoke(main, ["validate", str(old)])
    assert refused.exit_code == 1 and "ids name their framework" in refused.output
    done = CliRunner().invoke(main, ["migrate", str(old), "-o", str(new)])
    assert done.exit_code == 0, done.output
    decisions = [line for line in done.output.splitlines() if line.endswith("(decide)")]
    # Only the documented decisions are left: provenance skeletons to review (every id was unambiguous).
    assert decisions and all("provenance added as 'design: to be reviewed'" in d or "technique" in d
                             for d in decisions)
    assert all(d.startswith(f"{old}:") and d.split(":")[1].isdigit() for d in decisions)
    migrated = load_scenario(new).scenario
    original = load_scenario(ROOT / "scenarios" / f"{name}.yaml").scenario
    assert [c.techniques for c in migrated.campaigns] == [c.techniques for c in original.campaigns]
    assert migrated.format == original.format == 2
    assert all(s.provenance == "design: to be reviewed" for c in migrated.campaigns for s in c.stages)


def test_a_technique_id_no_shipped_framework_holds_is_left_to_the_author(tmp_path: Path) -> None:
    # The shipped lists do not overlap, so a bare id is ambiguous only when none of them holds it.
    text = (ROOT / "tests" / "data" / "tiny.yaml").read_text(encoding="utf-8")
    assert "techniques" not in text
    old = tmp_path / "old.yaml"
    old.write_text(text.replace("    stages:\n", "    techniques: [T9999, T1566]\n    stages:\n", 1), encoding="utf-8")
    done = CliRunner().invoke(main, ["migrate", str(old), "-o", str(tmp_path / "new.yaml")])
    assert f"{old}:36:" in done.output and "technique T9999 is in none of the shipped frameworks" in done.output
    assert "attack:T1566" in (tmp_path / "new.yaml").read_text(encoding="utf-8")
    assert done.exit_code == 1  # still invalid until the author writes T9999 with its framework


def test_validate_on_an_old_format_number_says_to_migrate(tmp_path: Path) -> None:
    text = (ROOT / "tests" / "data" / "tiny.yaml").read_text(encoding="utf-8")
    old = tmp_path / "old.yaml"
    old.write_text("format: 1\n" + text, encoding="utf-8")
    done = CliRunner().invoke(main, ["validate", str(old)])
    assert done.exit_code == 1 and "format 1; run `exercise migrate FILE -o NEW.yaml`" in done.output
