"""A strict, bounded YAML reader that remembers where every value came from.

PyYAML composes the document into nodes (which carry marks); we build plain
Python values from those nodes ourselves instead of using a constructor, so
that:

- no tag can instantiate Python objects (only plain scalars, strings,
  mappings and sequences are accepted);
- duplicate keys are errors, not "last one wins";
- YAML 1.1 surprises (``1:30`` as sexagesimal, ``no`` as false, ``010`` as
  octal, bare dates) are refused instead of silently changing meaning;
- file size, nesting depth and alias expansion are bounded;
- every value and every key has a (line, column) for error messages.

When PyYAML has libyaml, its C parser scans and parses (a 1,000-inject
scenario loads three times faster) and our composer builds the nodes. Any
trouble on that path reads the file again with the pure-Python parser, so
errors and their messages are the same either way. Only on some malformed
text that PyYAML refuses does libyaml read a value instead; text with the
characters behind most of those cases goes to the Python parser first.
Tests hold the two to the same result on every file we ship and on
generated documents.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from exercise.collector import quiet_collector
from exercise.scenario.errors import Problem, ScenarioError

MAX_DEPTH = 48
MAX_VALUES = 250_000
# Aliases repeat text without repeating bytes: a 1 MB file of nested aliases can
# build a gigabyte. The built text may be at most this many times the file, and
# never less than EXPANSION_FLOOR bytes (small files with a few aliases are fine).
EXPANSION_FACTOR = 10
EXPANSION_FLOOR = 1024 * 1024
# C0 and C1 controls and DEL: terminal escapes (cursor moves, OSC 52 clipboard,
# OSC 8 links) hide in quoted strings as "\e" and "\x9b". Tab and newline stay.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

Path_ = tuple[str | int, ...]

_PLAIN = "!plain"
_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"

_INT = re.compile(r"[-+]?(0|[1-9][0-9_]*)\Z")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?\Z")
_LEADING_ZERO = re.compile(r"[-+]?0[0-9_]+\Z")
_OTHER_BASE = re.compile(r"[-+]?0[xXoObB][0-9a-fA-F_]+\Z")
_SEXAGESIMAL = re.compile(r"[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?\Z")
_YAML11_BOOL = {"yes", "no", "on", "off"}
# First characters of every plain scalar that is not text: numbers, '.inf', '~', and the keywords
# of five letters or fewer (null, true, false, yes, no, on, off) which the long-text test leaves.
_MAY_BE_SPECIAL = frozenset("0123456789+-.~")


class Located:
    """Plain data, and where each value and key came from.

    Positions are worked out when asked, from the document's nodes. Those take more memory
    than everything else loaded (60% of a loaded 10,000-inject scenario), so whoever keeps a
    scenario for long (a session, a Monte Carlo worker) calls ``release``: the text stays,
    and is composed again if a position is ever asked for.
    """

    def __init__(self, data: Any, file: str, root: Node | None = None, text: str | None = None,
                 loader: type | None = None) -> None:
        self.data = data
        self.file = file
        self._root = root
        self._text, self._loader = text, loader

    def release(self) -> None:
        """Drop the nodes; positions are composed again from the text when next asked for."""
        if self._text is not None:
            self._root = None

    @property
    def root(self) -> Node | None:
        if self._root is None and self._text is not None:
            with quiet_collector():  # hundreds of thousands of nodes, all kept: see collector.py
                self._root = _compose(self._loader, self._text)
        return self._root

    def _node(self, path: Path_) -> tuple[Node | None, Node | None]:
        """(value node, key node) at ``path``, as the builder reached them: the first of duplicate keys."""
        node, key_node = self.root, None
        for part in path:
            if isinstance(node, MappingNode) and isinstance(part, str):
                found = next(((k, v) for k, v in node.value
                              if isinstance(k, ScalarNode) and k.value == part and not _is_merge(k)), None)
                if found is None:
                    return None, None
                key_node, node = found
            elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
                key_node, node = None, node.value[part]
            else:
                return None, None
        return node, key_node

    def value_at(self, path: Path_) -> tuple[int, int] | None:
        node, _ = self._node(path)
        return None if node is None else _mark(node)

    def key_at(self, path: Path_) -> tuple[int, int] | None:
        _, key_node = self._node(path) if path else (None, None)
        return None if key_node is None else _mark(key_node)

    def position(self, path: Path_, *, key: bool = False) -> tuple[int, int]:
        """Best position for ``path``: the deepest known prefix of it."""
        if key and (where := self.key_at(path)) is not None:
            return where
        for cut in range(len(path), -1, -1):
            if (where := self.value_at(path[:cut])) is not None:
                return where
        return (1, 1)

    def problem(self, path: Path_, message: str, *, key: bool = False, severity: str = "error") -> Problem:
        line, col = self.position(path, key=key)
        return Problem(self.file, line, col, message, severity)

    @property
    def values(self) -> dict[Path_, tuple[int, int]]:
        """Every value's position by path (for tests and tools; the reader itself looks up one at a time)."""
        return self._every()[0]

    @property
    def keys(self) -> dict[Path_, tuple[int, int]]:
        return self._every()[1]

    def _every(self) -> tuple[dict, dict]:
        values: dict[Path_, tuple[int, int]] = {}
        keys: dict[Path_, tuple[int, int]] = {}

        def walk(node: Node, path: Path_, depth: int) -> None:
            values.setdefault(path, _mark(node))
            if depth > MAX_DEPTH:
                return
            if isinstance(node, SequenceNode):
                for i, item in enumerate(node.value):
                    walk(item, path + (i,), depth + 1)
            elif isinstance(node, MappingNode):
                for key_node, value_node in node.value:
                    if not isinstance(key_node, ScalarNode) or _is_merge(key_node):
                        continue
                    if path + (key_node.value,) not in keys:
                        keys[path + (key_node.value,)] = _mark(key_node)
                        walk(value_node, path + (key_node.value,), depth + 1)

        root = self.root
        if root is not None:
            walk(root, (), 0)
        return values, keys


def _mark(node: Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


def _is_merge(key_node: Node) -> bool:
    return key_node.tag == "tag:yaml.org,2002:merge" or (key_node.tag == _PLAIN and key_node.value == "<<")


class _Resolver(BaseResolver):
    """Tags every plain scalar as ``!plain`` so we can type it ourselves."""

    def resolve(self, kind, value, implicit) -> str:  # noqa: ANN001 - PyYAML signature
        if kind is ScalarNode and implicit[0]:
            return _PLAIN
        return super().resolve(kind, value, implicit)


class _DepthError(Exception):
    def __init__(self, mark) -> None:  # noqa: ANN001 - a PyYAML Mark
        self.mark = mark


class _BoundedComposer(Composer):
    _depth = 0

    def compose_node(self, parent, index) -> Node | None:  # noqa: ANN001 - PyYAML signature
        # Composition is recursive; stop before Python's recursion limit does.
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _DepthError(self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _Loader(Reader, Scanner, Parser, _BoundedComposer, _Resolver):
    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        _Resolver.__init__(self)


if yaml.__with_libyaml__:
    from yaml._yaml import CParser

    class _FastLoader(_Resolver, CParser):
        """libyaml parses and composes in C. Its composer recurses in C, where no recursion limit
        applies, but it calls the resolver on entering and leaving each collection: the depth bound
        lives there, so a deeply nested file is stopped long before the C stack is at risk."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            _Resolver.__init__(self)
            self._depth = 0

        def descend_resolver(self, current_node, current_index) -> None:  # noqa: ANN001 - PyYAML signature
            self._depth += 1
            if self._depth > MAX_DEPTH:
                raise _DepthError(None)  # the pure-Python reader says where

        def ascend_resolver(self) -> None:
            self._depth -= 1
else:  # pragma: no cover - PyYAML built without libyaml
    _FastLoader = None


def _compose(loader_class: type, text: str) -> Node | None:
    loader = loader_class(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


# Where libyaml reads more leniently than PyYAML (tabs, other line breaks, a
# byte-order mark inside the text, characters PyYAML refuses): those files
# take the pure-Python path only.
# A lone "!" (YAML's non-specific tag: "this is a string") reaches the composer from libyaml
# as a plain scalar, so an empty one reads as null there and as "" in Python: leave those
# files to the Python reader too. (Any other tag is refused on both paths.)
_LAX_IN_LIBYAML = re.compile("[\t\r\x85\u2028\u2029\ufeff]|(?<![^\\s\\[{,:-])!(?=[\\s\\]},]|$)|"
                             + Reader.NON_PRINTABLE.pattern)


def _read(text: str, name: str, what: str, loader_class: type) -> Located:
    node = _compose(loader_class, text)
    if node is None:
        raise ScenarioError([Problem(name, 1, 1, f"empty file: a {what} is a YAML mapping")])
    if not isinstance(node, MappingNode):
        found = "a list" if isinstance(node, SequenceNode) else "a single value"
        raise ScenarioError(
            [Problem(name, node.start_mark.line + 1, node.start_mark.column + 1,
                     f"the top level of a {what} must be a mapping (key: value), found {found}")]
        )
    size = len(text.encode("utf-8"))
    # Without a backslash no escape can put a control character into a value: one search of the
    # whole text then stands for one per value.
    clean = "\\" not in text and _CONTROL.search(text) is None
    builder = _Builder(name, max(EXPANSION_FLOOR, EXPANSION_FACTOR * size), value_limit(size), clean)
    data = builder.build(node, 0)
    if builder.problems:
        raise ScenarioError(builder.problems)
    return Located(data, name, node, text, loader_class)


def value_limit(size: int) -> int:
    """How many values a document of ``size`` bytes may build: without aliases a value takes at
    least two bytes ('1,' in a flow list), so one per byte is room enough for any honest file,
    while an alias bomb, which builds many values from few bytes, is still stopped."""
    return max(MAX_VALUES, size)


def _line_col_at(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


def parse_yaml(raw: bytes, name: str, *, what: str = "scenario", fast: bool = True) -> Located:
    from exercise.limits import scenario_limit, too_big

    if len(raw) > scenario_limit():
        raise ScenarioError([Problem(name, 1, 1, f"file is {too_big(len(raw), scenario_limit())}")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        good = raw[: exc.start].decode("utf-8", errors="replace")
        line, col = _line_col_at(good, len(good))
        raise ScenarioError(
            [Problem(name, line, col, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8")]
        ) from None
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        raise ScenarioError([Problem(name, 1, 1, f"empty file: a {what} is a YAML mapping")])

    if fast and _FastLoader is not None and not _LAX_IN_LIBYAML.search(text):
        try:
            return _read(text, name, what, _FastLoader)
        except Exception:  # noqa: BLE001, S110 - any trouble: the pure-Python reader says what it is
            pass
    try:
        return _read(text, name, what, _Loader)  # the reader checks characters as it starts
    except _DepthError as exc:
        raise ScenarioError(
            [Problem(name, exc.mark.line + 1, exc.mark.column + 1, f"nesting deeper than {MAX_DEPTH} levels")]
        ) from None
    except yaml.reader.ReaderError as exc:
        line, col = _line_col_at(text, exc.position)
        raise ScenarioError(
            [Problem(name, line, col, f"character U+{exc.character:04X} is not allowed in YAML; remove it")]
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = exc.problem or exc.context or "invalid YAML"
        if "expected a single document" in (exc.context or ""):
            message = "only one YAML document is allowed (remove the '---' separator)"
        message += _hint(message)
        raise ScenarioError([Problem(name, line, col, f"YAML syntax: {message}")]) from None
    except yaml.YAMLError as exc:
        raise ScenarioError([Problem(name, 1, 1, f"YAML: {exc}")]) from None


# What PyYAML's messages most often mean in a hand-written file, in plain words.
_HINTS = (
    ("mapping values are not allowed", "a line is indented deeper than the key above it, or a value "
                                       "holds ': ' and needs quotes"),
    ("expected <block end>", "the lines of one list or mapping must start in the same column; "
                             "this one is indented differently from the lines above it"),
    ("could not find expected ':'", "a line that is neither 'key: value' nor '- item': check its "
                                    "indentation and quotes"),
    ("cannot start any token", "tabs cannot indent YAML; use spaces"),
    ("did not find expected key", "an item is indented differently from its neighbours, or a '-' is missing"),
    ("did not find expected '-'", "a list item is indented differently from the items above it"),
)


def _hint(message: str) -> str:
    for needle, hint in _HINTS:
        if needle in message:
            return f" (hint: {hint})"
    return ""


class _Builder:
    def __init__(self, name: str, budget: int, max_values: int = MAX_VALUES, clean: bool = False) -> None:
        self.name = name
        self.problems: list[Problem] = []
        self.count = 0
        self.max_values = max_values
        self.budget = self.left = budget  # characters of text the document may build
        self.clean = clean  # the text holds no control character and no escape that could make one

    def _spend(self, node: Node, text: str) -> None:
        self.left -= len(text)
        if self.left < 0:
            self._fail(node, f"the document builds more than {self.budget:,} characters of text, "
                             f"{EXPANSION_FACTOR} times the file (aliases repeating text?)")
            raise ScenarioError(self.problems)

    def _text(self, node: Node, text: str) -> None:
        """Text is data: no control character that a terminal would act on."""
        if self.clean:
            return
        bad = _CONTROL.search(text)
        if bad is not None:
            self._fail(node, f"control character U+{ord(bad.group()):04X} is not allowed in text "
                             "(a terminal could act on it); remove it")

    def _fail(self, node: Node, message: str) -> None:
        self.problems.append(
            Problem(self.name, node.start_mark.line + 1, node.start_mark.column + 1, message)
        )

    def build(self, node: Node, depth: int) -> Any:
        self.count += 1
        if self.count > self.max_values:
            self._fail(node, f"document expands to more than {self.max_values:,} values (alias bomb?)")
            raise ScenarioError(self.problems)
        if depth > MAX_DEPTH:
            # Reachable only through aliases that point back into themselves.
            self._fail(node, f"nesting deeper than {MAX_DEPTH} levels (recursive alias?)")
            raise ScenarioError(self.problems)
        kind = node.__class__
        if kind is ScalarNode:
            return self._scalar(node)
        if node.tag not in (_SEQ, _MAP):
            self._fail(node, f"tag {node.tag!r} is not allowed; write plain YAML")
            return None
        if kind is SequenceNode:
            return [self.build(item, depth + 1) for item in node.value]
        result: dict[str, Any] = {}
        firsts: dict[str, Node] = {}
        for key_node, value_node in node.value:
            if _is_merge(key_node):
                self._fail(key_node, "merge keys ('<<') are not supported; repeat the fields or use an alias for the whole value")
                continue
            if key_node.__class__ is not ScalarNode:
                self._fail(key_node, "a key must be a plain string, not a list or mapping")
                continue
            key = key_node.value
            self._spend(key_node, key)
            self._text(key_node, key)
            if key in result:
                self._fail(key_node, f"duplicate key {key!r} (first at line {firsts[key].start_mark.line + 1})")
                continue
            firsts[key] = key_node
            result[key] = self.build(value_node, depth + 1)
        return result

    def _scalar(self, node: ScalarNode) -> Any:
        value = node.value
        self._spend(node, value)
        self._text(node, value)
        if node.tag == _STR:
            return value
        if node.tag != _PLAIN:
            self._fail(node, f"tag {node.tag!r} is not allowed; write plain YAML")
            return None
        if value[:1] not in _MAY_BE_SPECIAL and len(value) > 5:
            return value  # most text: too long for a keyword, and no number starts that way
        if value in ("", "~", "null", "Null", "NULL"):
            return None
        if value in ("true", "True", "TRUE"):
            return True
        if value in ("false", "False", "FALSE"):
            return False
        if value.lower() in _YAML11_BOOL:
            self._fail(node, f"{value!r} is ambiguous (YAML 1.1 reads it as a boolean): write true/false, "
                             "or quote it as a string")
            return value
        if _LEADING_ZERO.match(value):
            self._fail(node, f"{value!r} has a leading zero (YAML 1.1 reads it as octal): write it without the zero, or quote it")
            return value
        if _OTHER_BASE.match(value):
            self._fail(node, f"{value!r}: hexadecimal, octal and binary numbers are not supported; write a decimal number")
            return value
        if _SEXAGESIMAL.match(value):
            self._fail(node, f"{value!r} reads as a base-60 number in YAML 1.1: write a duration such as '90m' "
                             "or '1h30m', or quote it")
            return value
        if _INT.match(value):
            return int(value.replace("_", ""))
        if _FLOAT.match(value):
            return float(value.replace("_", ""))
        if value in (".inf", ".Inf", ".INF", "-.inf", ".nan", ".NaN", ".NAN"):
            self._fail(node, f"{value!r}: infinity and NaN are not allowed")
            return value
        # Everything else, bare dates included, stays text: pydantic parses ISO
        # dates where a date is expected, and a date never lands in a string.
        return value
