"""Small value types shared by scenarios, playbooks and the response catalogue."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]*$"
STAGE_REF_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]*\.[A-Za-z0-9][A-Za-z0-9_-]*$"


class Strict(BaseModel):
    """Base for every model an author writes: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)


Id = Annotated[
    str,
    Field(pattern=ID_PATTERN, max_length=64,
          description="Identifier: letters, digits, '_' and '-', starting with a letter or digit."),
]
StageRef = Annotated[
    str,
    Field(pattern=STAGE_REF_PATTERN, max_length=129,
          description="A stage, written 'campaign_id.stage_id'."),
]
Probability = Annotated[float, Field(ge=0.0, le=1.0, description="A probability between 0 and 1.")]
Text = Annotated[str, Field(max_length=20_000)]

# Every number an author or the catalogue puts in a model says where it comes from: a design
# assumption, or a law, a real case, a study or a data set it is read from.
PROVENANCE_PATTERN = r"^(design|law|case|study|data)(:\s*\S.*)?$"


def _provenance(value: str) -> str:
    if not re.match(PROVENANCE_PATTERN, value):
        raise PydanticCustomError(
            "provenance", "say where the numbers come from: 'design' for a design assumption (or "
            "'design: why'), or cite with 'law: ...', 'case: ...', 'study: ...' or 'data: ...'")
    return value


Provenance = Annotated[
    str,
    Field(max_length=2_000, json_schema_extra={"pattern": PROVENANCE_PATTERN},
          description="Where the numbers come from: 'design' (a design assumption, optionally "
                      "'design: why'), or 'law: ...', 'case: ...', 'study: ...' or 'data: ...' naming "
                      "the public text, real case, study or data set they are read from."),
    AfterValidator(_provenance),
]


def is_design(provenance: str) -> bool:
    """True when a provenance marks a design assumption rather than a citation."""
    return provenance.startswith("design")


# fimi, cyber and infrastructure as in the Council's 2024 conclusions; economic coercion and
# subversion (political influence, covert funding) for the other hybrid threats scenarios need.
Domain = Literal["fimi", "cyber", "infrastructure", "economic", "subversion"]

# --- durations -----------------------------------------------------------------

_UNITS = {"m": 1.0, "min": 1.0, "h": 60.0, "d": 1440.0, "w": 10080.0}
_COMPACT = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(min|m|h|d|w)\s*")
_ISO = re.compile(
    r"P(?:(?P<w>\d+(?:\.\d+)?)W)?(?:(?P<d>\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(?P<h>\d+(?:\.\d+)?)H)?(?:(?P<m>\d+(?:\.\d+)?)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?\Z"
)
DURATION_HINT = "write a duration such as '90m', '6h', '2d', '1h30m' or ISO 8601 'PT1H30M'"
DURATION_PATTERN = (
    r"^\s*(\d+(\.\d+)?\s*(min|m|h|d|w)\s*)+$"
    r"|^P(\d+(\.\d+)?W)?(\d+(\.\d+)?D)?(T(\d+(\.\d+)?H)?(\d+(\.\d+)?M)?(\d+(\.\d+)?S)?)?$"
)


def parse_duration(text: str) -> float:
    """Minutes in ``text`` ("90m", "1h30m", "2d", "PT1H30M"); ValueError otherwise."""
    text = text.strip()
    if text.startswith("P"):
        match = _ISO.match(text)
        if not match or text in ("P", "PT") or text.endswith("T"):
            raise ValueError(f"{text!r} is not an ISO 8601 duration; {DURATION_HINT}")
        parts = {k: float(v) for k, v in match.groupdict().items() if v}
        return (parts.get("w", 0) * 10080 + parts.get("d", 0) * 1440 + parts.get("h", 0) * 60
                + parts.get("m", 0) + parts.get("s", 0) / 60)
    pos, total, seen = 0, 0.0, False
    while pos < len(text):
        match = _COMPACT.match(text, pos)
        if not match:
            raise ValueError(f"{text!r} is not a duration; {DURATION_HINT}")
        total += float(match.group(1)) * _UNITS[match.group(2)]
        pos, seen = match.end(), True
    if not seen:
        raise ValueError(f"empty duration; {DURATION_HINT}")
    return total


def _duration_input(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, str):
        if isinstance(value, (int, float)):
            raise PydanticCustomError(
                "duration_unit", "a duration needs a unit: write '{value}m' or '{value}h', not {value}",
                {"value": value},
            )
        raise PydanticCustomError("duration_type", DURATION_HINT)
    try:
        return parse_duration(value)
    except ValueError as exc:
        raise PydanticCustomError("duration_format", str(exc)) from None


Duration = Annotated[
    float,
    BeforeValidator(_duration_input),
    WithJsonSchema({
        "type": "string",
        "pattern": DURATION_PATTERN,
        "description": "A duration: '90m', '6h', '2d', '1h30m', '1w' or ISO 8601 'PT1H30M'. Stored in minutes.",
        "examples": ["30m", "6h", "2d", "PT1H30M"],
    }),
]


def format_rounded(minutes: float) -> str:
    """A sampled time, to the nearest whole minute: 1264.6 -> '21h5m'."""
    return format_minutes(round(minutes))


def format_minutes(minutes: float) -> str:
    """The shortest exact compact form of a duration: 90 -> '1h30m'."""
    if minutes == 0:
        return "0m"
    out, rest = [], minutes
    for unit, size in (("d", 1440), ("h", 60)):
        whole = int(rest // size)
        if whole:
            out.append(f"{whole}{unit}")
            rest -= whole * size
    if rest:
        out.append(f"{rest:g}m")
    return "".join(out)


def t_plus(minutes: float) -> str:
    """Exercise time as T+hh:mm (days shown as hours past 24 would be hard to read: T+1d 07:20)."""
    whole = int(round(minutes))
    days, rest = divmod(whole, 1440)
    hours, mins = divmod(rest, 60)
    return f"T+{days}d {hours:02d}:{mins:02d}" if days else f"T+{hours:02d}:{mins:02d}"


def from_t_plus(text: str) -> float | None:
    """'T+1d 05:39' (as ``t_plus`` writes it) back to exercise minutes; None if it is not one."""
    found = re.fullmatch(r"T\+(?:(\d+)d\s*)?(\d{1,3}):(\d{2})", text.strip())
    if found is None:
        return None
    days, hours, mins = (int(x or 0) for x in found.groups())
    return days * 1440 + hours * 60 + mins
