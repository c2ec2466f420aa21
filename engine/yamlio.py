"""Safe YAML with line numbers and no silent surprises.

PyYAML's plain loader keeps the last of two duplicate keys without a word and lets a document
smuggle in Python objects. Here mappings and sequences remember the line of each entry, duplicate
keys are refused, and only the safe tags are constructed: rules are data, never code.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import InputError, Issue
from .inputs import read_text_file


class LineDict(dict):
    """A mapping that knows the line of itself and of each key (1-based)."""

    line: int = 0
    key_lines: dict

    def line_of(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list):
    """A sequence that knows the line of itself and of each item (1-based)."""

    line: int = 0
    item_lines: list

    def line_of(self, index: int) -> int:
        if 0 <= index < len(self.item_lines):
            return self.item_lines[index]
        return self.line


# PyYAML's C parser (libyaml) reads text several times faster than the pure-Python one, with the
# same events and marks; fall back where it was not built.
_SAFE_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_TEXT_CHARS = 2_000_000  # far more than any rule file or scenario; a larger input is refused at once
MAX_DEPTH = 40  # nesting deeper than any real document; deeper input would exhaust the recursion limit
MAX_ITEMS = 10_000  # entries in one mapping or list; the largest real one has under 200
MAX_NODES = 100_000  # keys, values and items in one document; the largest real file has about 2,500

_MAP_TAG = yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG
_SEQ_TAG = yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG
_MERGE_TAG = "tag:yaml.org,2002:merge"
_VALUE_TAG = "tag:yaml.org,2002:value"
# The safe loader's scalar types, built by its own constructors, so a value reads exactly as
# yaml.safe_load reads it (yes/no, 0x1F, 1_000, .inf, dates); no other tag is built.
_SCALAR_CONSTRUCTORS = {tag: yaml.constructor.SafeConstructor.yaml_constructors[tag] for tag in (
    "tag:yaml.org,2002:null", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:binary", "tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:str")}
_RESOLVER = yaml.resolver.Resolver()  # the safe loader's implicit tags


def _short(value: Any, limit: int = 60) -> str:
    """A key or tag for an error message: on one line and cut short, never a whole hostile input."""
    text = " ".join(str(value).split()) if not isinstance(value, int) or abs(value) < 10**50 else "a long number"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _refused(message: str, source: str, event: Any) -> InputError:
    return InputError(Issue(message, file=source, line=event.start_mark.line + 1))


class _Builder:
    """Values built straight from the parser's events, in one pass: each mapping a LineDict and each
    sequence a LineList, with the line of every key and item. Composing PyYAML's node tree first
    cost four times the parse itself. What real rules and scenarios never contain, and what could
    freeze the program, is refused at the event that shows it, before anything more is built:
    aliases (a 600-byte "billion laughs" expands to gigabytes), nesting deeper than MAX_DEPTH, more
    than MAX_ITEMS entries in one mapping or list, more than MAX_NODES values in all, a second
    document, and any tag but the safe scalar ones (never a Python object)."""

    def __init__(self, source: str):
        self.source = source
        self.stack: list[list] = []  # open collections: [container, key waiting for its value, key's line]
        self.root: Any = None
        self.nodes = 0
        self.documents = 0
        self.scalars: dict[tuple, Any] = {}  # (tag, text, implicit) -> value: ids and keys repeat a lot
        self.constructor = yaml.constructor.SafeConstructor()

    def build(self, text: str) -> Any:
        for event in yaml.parse(text, Loader=_SAFE_BASE):
            kind = type(event)
            if kind is yaml.ScalarEvent:
                self._count(event)
                self._add(self._scalar(event), event)
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                self._count(event)
                mapping = kind is yaml.MappingStartEvent
                if event.tag not in (None, "!", _MAP_TAG if mapping else _SEQ_TAG):
                    raise _refused(f"the YAML tag '{_short(event.tag)}' is not accepted; write plain values",
                                   self.source, event)
                container: Any = LineDict() if mapping else LineList()
                container.line = event.start_mark.line + 1
                if mapping:
                    container.key_lines = {}
                else:
                    container.item_lines = []
                self._add(container, event)
                self.stack.append([container, _NO_KEY, 0])
                if len(self.stack) > MAX_DEPTH:
                    raise _refused(f"nested more than {MAX_DEPTH} levels deep", self.source, event)
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                self.stack.pop()
            elif kind is yaml.AliasEvent:
                raise _refused(_ALIASES, self.source, event)
            elif kind is yaml.DocumentStartEvent:
                self.documents += 1
                if self.documents > 1:
                    raise _refused("more than one YAML document (---) in one file; keep one", self.source, event)
        return self.root

    def _count(self, event: Any) -> None:
        self.nodes += 1
        if self.nodes > MAX_NODES:  # building 600,000 values would take seconds and hundreds of MB
            raise _refused(f"more than {MAX_NODES:,} values in one file; the largest real one has a few thousand",
                           self.source, event)
        if event.anchor is not None:
            raise _refused(_ALIASES, self.source, event)

    def _scalar(self, event: yaml.ScalarEvent) -> Any:
        memo = (event.tag, event.value, event.implicit)
        if memo in self.scalars:
            return self.scalars[memo]
        tag = event.tag
        if tag is None or tag == "!":
            tag = _RESOLVER.resolve(yaml.ScalarNode, event.value, event.implicit)
        if tag == _VALUE_TAG:  # a plain '=': the safe loader reads it as text too
            tag = "tag:yaml.org,2002:str"
        elif tag == _MERGE_TAG:
            raise _refused("YAML merge keys (<<) are not accepted; write the entries out", self.source, event)
        construct = _SCALAR_CONSTRUCTORS.get(tag)
        if construct is None:
            raise _refused(f"the YAML tag '{_short(tag)}' is not accepted; write plain values", self.source, event)
        value = construct(self.constructor, yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark,
                                                            event.style))
        self.scalars[memo] = value  # every safe scalar type is immutable, so one value serves each repeat
        return value

    def _add(self, value: Any, event: Any) -> None:
        line = event.start_mark.line + 1
        if not self.stack:
            self.root = value
            return
        frame = self.stack[-1]
        container = frame[0]
        if isinstance(container, LineList):
            container.append(value)
            container.item_lines.append(line)
        elif frame[1] is _NO_KEY:
            if isinstance(value, (LineDict, LineList)):
                raise _refused("a mapping key must be a plain value", self.source, event)
            if value in container:
                raise _refused(f"duplicate key '{_short(value)}' (first at line {container.key_lines[value]})",
                               self.source, event)
            frame[1], frame[2] = value, line
            return
        else:
            container[frame[1]] = value
            container.key_lines[frame[1]] = frame[2]
            frame[1] = _NO_KEY
        if len(container) > MAX_ITEMS:
            raise _refused(f"more than {MAX_ITEMS:,} entries in one mapping or list", self.source, event)


_NO_KEY = object()
_ALIASES = "YAML anchors and aliases (&name, *name) are not accepted; write the value out"


def parse_yaml(text: str, source: str) -> Any:
    """Parse YAML text (one pass over the parser's events, see _Builder); errors become an
    InputError naming source and line."""
    if len(text) > MAX_TEXT_CHARS:
        raise InputError(Issue(f"too large: {len(text):,} characters; the limit is {MAX_TEXT_CHARS:,}", file=source))
    nul = text.find("\0")
    if nul >= 0:
        raise InputError(Issue("contains a NUL character: not a text file", file=source,
                               line=text.count("\n", 0, nul) + 1))
    try:
        return _Builder(source).build(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "malformed YAML"
        if "nesting depth" in problem:  # libyaml's own limit, met before ours in a long run of brackets
            raise InputError(Issue(f"nested more than {MAX_DEPTH} levels deep", file=source, line=line)) from None
        raise InputError(Issue(f"malformed YAML: {problem}", file=source, line=line)) from None
    except yaml.YAMLError as exc:
        raise InputError(Issue(f"malformed YAML: {' '.join(str(exc).split())[:200]}", file=source)) from None
    except ValueError:  # an integer of thousands of digits: Python refuses to convert it
        raise InputError(Issue("a number is too long (thousands of digits)", file=source)) from None


def read_yaml(path: Path, shown_as: str | None = None) -> Any:
    """Read a YAML file (see inputs.py: never blocking, size checked first, strict UTF-8); any
    problem is an InputError naming it."""
    source = shown_as or str(path)
    return parse_yaml(read_text_file(path, source), source)


def line_at(node: Any, path: tuple) -> int | None:
    """The line of the deepest node along path (keys and indexes) that we know a line for."""
    line = getattr(node, "line", None) or None
    for step in path:
        if isinstance(node, LineDict) and step in node:
            line = node.line_of(step)
            node = node[step]
        elif isinstance(node, LineList) and isinstance(step, int) and 0 <= step < len(node):
            line = node.line_of(step)
            node = node[step]
        else:
            if isinstance(node, LineDict):
                line = node.line_of(step)
            break
        inner = getattr(node, "line", None)
        if inner and not isinstance(node, (LineDict, LineList)):
            line = inner
    return line
