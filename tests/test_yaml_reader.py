"""The strict YAML reader: types, positions, bounds."""

from __future__ import annotations

import pytest

from exercise.scenario.errors import ScenarioError
from exercise.scenario.yamlsafe import MAX_BYTES, parse_yaml


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
    assert "limit" in message(b"a: " + b"x" * MAX_BYTES)


def test_utf8_bom_is_accepted() -> None:
    assert parse_yaml("\ufeffk: v\n".encode(), "f.yaml").data == {"k": "v"}


def test_utf16_is_refused_cleanly() -> None:
    assert "UTF-8" in message("k: v\n".encode("utf-16"))


def test_complex_keys_are_refused() -> None:
    assert "plain string" in message("? [a, b]\n: 1\n")
