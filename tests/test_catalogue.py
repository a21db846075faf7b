from __future__ import annotations

import json
import re
import typing
from pathlib import Path

from click.testing import CliRunner

from exercise.cli import main
from exercise.scenario.catalogue import Toolbox, load_catalogue

def test_forty_measures_with_unique_ids_and_every_toolbox() -> None:
    measures = load_catalogue()
    assert len(measures) == 40
    assert {m.toolbox for m in measures.values()} == set(typing.get_args(Toolbox))


def test_every_measure_is_sourced_and_explained() -> None:
    for m in load_catalogue().values():
        assert m.description and m.legal_basis and m.source and m.requires, m.id
        assert m.lead_time.low <= m.lead_time.high


# The 40 measures of the design's response table, by id: the catalogue ships them all.
REFERENCE_IDS = {
    *(f"HT-{i:02d}" for i in range(1, 14)), *(f"FIMI-{i:02d}" for i in range(1, 9)),
    *(f"DSA-{i:02d}" for i in range(1, 8)), *(f"CDT-{i:02d}" for i in range(1, 8)),
    "CER-01", *(f"NAT-{i:02d}" for i in range(1, 5)),
}


def test_ids_match_the_reference_table() -> None:
    assert len(REFERENCE_IDS) == 40
    assert set(load_catalogue()) == REFERENCE_IDS


def test_the_product_names_no_file_outside_the_repository() -> None:
    """Sources cite public texts; nothing points at the notes kept beside the repository."""
    root = Path(__file__).resolve().parents[1]
    outside = re.compile(r"shared/|\.\./shared|eu-responses\.md|sim-models\.md|hseep-and-peers\.md|"
                         r"catalogue-audit\.md|draft-session-door")
    checked = 0
    for path in [root / "README.md", root / "pyproject.toml", *root.glob("src/**/*"), *root.glob("scenarios/**/*"),
                 *root.glob("facilitator_guides/*"), *root.glob("tests/**/*.py"), *root.glob("benchmarks/*")]:
        if path.is_file() and path.suffix in {".py", ".md", ".yaml", ".json", ".j2", ".toml", ".tcss"}:
            checked += 1
            if path == Path(__file__).resolve():
                continue  # this test spells the names it looks for
            text = path.read_text(encoding="utf-8")
            assert not outside.search(text), (path, outside.search(text).group())
    assert checked > 50


def test_unanimity_measures_can_be_refused() -> None:
    for m in load_catalogue().values():
        if m.procedure == "unanimity":
            assert m.approval < 1, m.id


def test_cli_filters_by_toolbox_and_category() -> None:
    result = CliRunner().invoke(main, ["catalogue", "--toolbox", "dsa", "--json"])
    assert result.exit_code == 0
    ids = {m["id"] for m in json.loads(result.stdout)}
    assert ids == {f"DSA-0{i}" for i in range(1, 8)}
    result = CliRunner().invoke(main, ["catalogue", "--category", "restrictive", "--json"])
    assert {m["id"] for m in json.loads(result.stdout)} == {"HT-08", "HT-09", "FIMI-08", "CDT-05", "NAT-04"}


def test_cli_table_lists_lead_times() -> None:
    result = CliRunner().invoke(main, ["catalogue", "--toolbox", "fimi"], env={"COLUMNS": "160"})
    assert result.exit_code == 0
    assert "FIMI-01" in result.stdout and "1h-6h" in result.stdout and "FIMI Toolbox (8)" in result.stdout


def test_cli_rejects_unknown_toolbox() -> None:
    assert CliRunner().invoke(main, ["catalogue", "--toolbox", "nato"]).exit_code == 2


def test_the_table_shows_legal_basis_preconditions_and_lead_time_provenance() -> None:
    result = CliRunner().invoke(main, ["catalogue", "--toolbox", "cer_nis2"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert "legal basis" in text and "Directive (EU) 2022/2555 (NIS2) Art. 23" in text
    assert "requires: a significant incident" in text
    assert "set by law:" in text and "design estimate" in text
    rows = json.loads(CliRunner().invoke(main, ["catalogue", "--toolbox", "cer_nis2", "--json"]).stdout)
    provenance = {m["id"]: m["lead_time_provenance"] for m in rows}
    assert provenance["CDT-01"] == "set by law: NIS2 Art. 23 (24 h early warning)"
    assert provenance["CDT-07"] == "design estimate"


def test_the_catalogue_of_a_scenario_shows_its_adjusted_and_custom_measures() -> None:
    result = CliRunner().invoke(main, ["catalogue", "--scenario", "election-week", "--toolbox", "national", "--json"])
    assert result.exit_code == 0, result.output
    origin = {m["id"]: m["origin"] for m in json.loads(result.stdout)}
    assert origin["GRID-01"] == "custom" and origin["NAT-02"] == "catalogue"
    result = CliRunner().invoke(main, ["catalogue", "--scenario", str(Path(__file__).parent / "data" / "lab.yaml"),
                                       "--json"])
    measures = {m["id"]: m for m in json.loads(result.stdout)}
    assert measures["FIMI-01"]["origin"] == "adjusted" and measures["FIMI-01"]["lead_time"]["value"] == 60
