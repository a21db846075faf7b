"""The strict YAML reader: types, positions, bounds."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from exercise.scenario.errors import ScenarioError
from exercise.limits import scenario_limit
from exercise.scenario.yamlsafe import parse_yaml


def read(text: str):
    return parse_yaml(text.encode(), "f.yaml")


def message(text: str | bytes) -> str:
    raw = text.encode() if isinstance(text, str) else text
    with pytest.raises(ScenarioError) as info:
        parse_yaml(raw, "f.yaml")
    return str(info.value)


@pytest.mark.parametrize(
    ("plain", "expected"),
    [
        ("12", 12), ("-3", -3), ("1_000", 1000), ("0", 0), ("0.5", 0.5), ("1e3", 1000.0), (".5", 0.5),
        ("true", True), ("False", False), ("null", None), ("~", None), ("", None),
        ("2027-05-16", "2027-05-16"), ("90m", "90m"), ("hello world", "hello world"), ("T0088.001", "T0088.001"),
    ],
)
def test_plain_scalars_follow_yaml_1_2(plain: str, expected: object) -> None:
    assert read(f"k: {plain}\n").data == {"k": expected}


@pytest.mark.parametrize("quoted", ["'no'", '"1:30"', "'010'", '"true"', "'0x1F'"])
def test_quoted_scalars_are_always_text(quoted: str) -> None:
    assert read(f"k: {quoted}\n").data == {"k": quoted[1:-1]}


@pytest.mark.parametrize(
    ("plain", "fragment"),
    [("no", "ambiguous"), ("Yes", "ambiguous"), ("off", "ambiguous"), ("1:30", "base-60"),
     ("010", "leading zero"), ("0x1F", "hexadecimal"), (".inf", "infinity"), (".nan", "NaN")],
)
def test_yaml_1_1_surprises_are_refused(plain: str, fragment: str) -> None:
    assert fragment in message(f"k: {plain}\n")


def test_positions_of_values_and_keys() -> None:
    located = read("a:\n  b: [1, {c: x}]\n  d: 2\n")
    assert located.values[("a", "b", 1, "c")] == (2, 14)
    assert located.keys[("a", "d")] == (3, 3)
    assert located.position(("a", "b", 1, "missing")) == (2, 10)  # the mapping "{c: x}"


def test_aliases_are_expanded_and_positioned() -> None:
    located = read("base: &b {x: 1}\nother: *b\n")
    assert located.data == {"base": {"x": 1}, "other": {"x": 1}}


def test_size_limit() -> None:
    assert "limit" in message(b"a: " + b"x" * scenario_limit())


def test_utf8_bom_is_accepted() -> None:
    assert parse_yaml("\ufeffk: v\n".encode(), "f.yaml").data == {"k": "v"}


def test_utf16_is_refused_cleanly() -> None:
    assert "UTF-8" in message("k: v\n".encode("utf-16"))


def test_complex_keys_are_refused() -> None:
    assert "plain string" in message("? [a, b]\n: 1\n")


def outcome(raw: bytes, *, fast: bool) -> object:
    """What the reader makes of ``raw``: the data with every position, or the problems."""
    try:
        located = parse_yaml(raw, "f.yaml", fast=fast)
    except ScenarioError as exc:
        return [str(p) for p in exc.problems]
    return located.data, located.values, located.keys


ROOT = Path(__file__).resolve().parents[1]
YAML_FILES = sorted(
    p for folder in ("scenarios", "scenarios/playbooks", "tests/broken", "tests/data", "tests/playbooks")
    for p in (ROOT / folder).glob("*.yaml")
)


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_libyaml_and_the_python_reader_agree_on_every_file_we_ship(path: Path) -> None:
    raw = path.read_bytes()
    assert outcome(raw, fast=True) == outcome(raw, fast=False)


yaml_ish = st.lists(st.sampled_from(list("ab1: -#'\"[]{},&*!|>?~\n.%@`\\") + ["---", "<<", "\n  ", "\n- "]),
                    max_size=30).map("".join)
documents = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=12,
).map(lambda data: yaml.safe_dump({"k": data}, allow_unicode=True))


@settings(max_examples=300, deadline=None)
@given(documents)
def test_libyaml_and_the_python_reader_agree_on_any_document(text: str) -> None:
    raw = text.encode("utf-8", errors="surrogatepass")
    assert outcome(raw, fast=True) == outcome(raw, fast=False)


@settings(max_examples=500, deadline=None)
@given(yaml_ish)
@example("a:\n  !")  # a lone non-specific tag: once "" in Python and null through libyaml
def test_what_the_python_reader_accepts_libyaml_reads_the_same(text: str) -> None:
    """On malformed text libyaml is sometimes the more lenient (a '#' straight after '>');
    it never refuses or changes what the Python reader accepts."""
    python = outcome(text.encode(), fast=False)
    if isinstance(python, tuple):
        fast = outcome(text.encode(), fast=True)
        assert isinstance(fast, tuple) and fast[0] == python[0]


def test_what_a_file_may_build_grows_with_its_size() -> None:
    # 300,000 honest values in 600 KB: more than the old fixed 250,000, and fine now...
    honest = parse_yaml(b"a: [" + b"1," * 299_999 + b"1]\n", "big.yaml")
    assert len(honest.data["a"]) == 300_000
    # ...while a few bytes of aliases that would build as many are still refused.
    bomb = b"a: &a [" + b"1," * 99 + b"1]\nb: &b [" + b"*a," * 99 + b"*a]\nc: [" + b"*b," * 29 + b"*b]\n"
    with pytest.raises(ScenarioError, match="alias bomb"):
        parse_yaml(bomb, "bomb.yaml")


def test_deep_nesting_is_refused_on_the_fast_path_too() -> None:
    # libyaml's composer recurses in C: the bound must stop it long before a million levels.
    with pytest.raises(ScenarioError, match="nesting deeper than 48 levels"):
        parse_yaml(b"a: " + b"[" * 1_000_000 + b"]" * 1_000_000 + b"\n", "deep.yaml")


@pytest.mark.parametrize("fast", [True, False])
def test_positions_come_back_after_the_nodes_are_released(fast: bool) -> None:
    located = parse_yaml(b"a:\n  b: [1, {c: x}]\n  d: 2\nlist:\n  - k: v\n", "f.yaml", fast=fast)
    values, keys = located.values, located.keys
    located.release()  # what a session does with its scenario
    assert located._root is None
    assert located.values == values and located.keys == keys
    assert located.position(("list", 0, "k")) == (5, 8)
