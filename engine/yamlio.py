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


# PyYAML's C parser (libyaml) reads the real rules several times faster than the pure-Python one,
# with the same safe constructors and the same marks; fall back where it was not built.
_SAFE_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SAFE_BASE):  # type: ignore[misc, valid-type]
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain value", key_node.start_mark) from None
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None,
                f"duplicate key '{key}' (first at line {result.key_lines[key]})",
                key_node.start_mark)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


MAX_TEXT_CHARS = 2_000_000  # far more than any rule file or scenario; a larger input is refused at once
MAX_DEPTH = 40  # nesting deeper than any real document; deeper input would exhaust the recursion limit
MAX_ITEMS = 10_000  # entries in one mapping or list; the largest real one has under 200
MAX_NODES = 100_000  # keys, values and items in one document; the largest real file has about 2,500


def _refuse_hostile_shapes(text: str, source: str) -> None:
    """Refuse, before anything is built, what real rules and scenarios never contain and what can
    freeze the program: aliases (a 600-byte "billion laughs" expands to gigabytes), nesting deeper
    than MAX_DEPTH, more than MAX_ITEMS entries in one mapping or list (400,000 keys would mean
    400,000 problems to word), more than MAX_NODES values in all, and text larger than
    MAX_TEXT_CHARS. Reads only the parser's events."""
    if len(text) > MAX_TEXT_CHARS:
        raise InputError(Issue(f"too large: {len(text):,} characters; the limit is {MAX_TEXT_CHARS:,}", file=source))
    nul = text.find("\0")
    if nul >= 0:
        raise InputError(Issue("contains a NUL character: not a text file", file=source,
                               line=text.count("\n", 0, nul) + 1))
    counts: list[int] = []  # events seen directly inside each open collection
    for nodes, event in enumerate(yaml.parse(text, Loader=_SAFE_BASE)):
        if nodes > MAX_NODES:  # building 600,000 values would take seconds and hundreds of MB
            raise InputError(Issue(f"more than {MAX_NODES:,} values in one file; the largest real one has"
                                   " a few thousand", file=source, line=event.start_mark.line + 1))
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise InputError(Issue("YAML anchors and aliases (&name, *name) are not accepted; write the value out",
                                   file=source, line=event.start_mark.line + 1))
        if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            counts.pop()
            continue
        if counts:
            counts[-1] += 1
            if counts[-1] > 2 * MAX_ITEMS:  # a mapping's key and value are two events
                raise InputError(Issue(f"more than {MAX_ITEMS:,} entries in one mapping or list", file=source,
                                       line=event.start_mark.line + 1))
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            counts.append(0)
            if len(counts) > MAX_DEPTH:
                raise InputError(Issue(f"nested more than {MAX_DEPTH} levels deep", file=source,
                                       line=event.start_mark.line + 1))


def parse_yaml(text: str, source: str) -> Any:
    """Parse YAML text; errors become an InputError naming source and line."""
    try:
        _refuse_hostile_shapes(text, source)
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - _LineLoader is a SafeLoader
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
    except RecursionError:
        raise InputError(Issue(f"nested too deeply (more than {MAX_DEPTH} levels)", file=source)) from None


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
