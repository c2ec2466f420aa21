"""The YAML loader: line numbers, duplicate keys, nothing but safe data."""
from pathlib import Path

import pytest
import yaml

from engine.errors import InputError
from engine.yamlio import LineDict, LineList, line_at, parse_yaml, read_yaml


def test_mappings_and_lists_remember_their_lines():
    data = parse_yaml("a: 1\nb:\n  - x\n  - y: 2\n    z: 3\n", "t.yaml")
    assert isinstance(data, LineDict) and isinstance(data["b"], LineList)
    assert data.line_of("a") == 1 and data.line_of("b") == 2
    assert data["b"].line_of(0) == 3 and data["b"].line_of(1) == 4
    assert data["b"][1].line_of("z") == 5


def test_line_at_follows_a_path_to_the_deepest_known_line():
    data = parse_yaml("rules:\n  - id: r\n    when:\n      all:\n        - flag\n        - x: 1\n", "t.yaml")
    assert line_at(data, ("rules", 0, "when", "all", 1, "x")) == 6
    assert line_at(data, ("rules", 0, "when", "all", 0)) == 5
    assert line_at(data, ("rules", 0, "missing_key")) == 2


def test_duplicate_keys_are_refused_with_both_lines():
    with pytest.raises(InputError) as err:
        parse_yaml("id: a\ntitle: x\nid: b\n", "rules/x.yaml")
    message = str(err.value)
    assert message.startswith("rules/x.yaml:3: ")
    assert "duplicate key 'id' (first at line 1)" in message


def test_malformed_yaml_names_file_and_line():
    with pytest.raises(InputError) as err:
        parse_yaml("a: 1\nb: [unclosed\nc: 2\n", "f.yaml")
    assert str(err.value).startswith("f.yaml:")
    assert "malformed YAML" in str(err.value)
    assert err.value.issues[0].line is not None


def test_python_objects_are_never_constructed():
    with pytest.raises(InputError) as err:
        parse_yaml("x: !!python/object/apply:os.system ['echo hacked']\n", "evil.yaml")
    assert "evil.yaml:1" in str(err.value)


def test_missing_file_is_named(tmp_path):
    with pytest.raises(InputError) as err:
        read_yaml(tmp_path / "nope.yaml", "rules/nope.yaml")
    assert str(err.value) == "rules/nope.yaml: file not found"


def test_non_utf8_file_is_refused(tmp_path):
    path = tmp_path / "latin.yaml"
    path.write_bytes("a: caf\xe9\n".encode("latin-1"))
    with pytest.raises(InputError) as err:
        read_yaml(path, "latin.yaml")
    assert "not UTF-8" in str(err.value)


class _ReferenceLoader(yaml.SafeLoader):
    """PyYAML's own pure-Python safe loader, keeping lines the same way: what parse_yaml must equal."""


def _reference_mapping(loader, node):
    loader.flatten_mapping(node)
    result = LineDict()
    result.line, result.key_lines = node.start_mark.line + 1, {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _reference_sequence(loader, node):
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line, result.item_lines = node.start_mark.line + 1, [child.start_mark.line + 1 for child in node.value]
    return result


_ReferenceLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _reference_mapping)
_ReferenceLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _reference_sequence)


def _with_lines(node):
    if isinstance(node, LineDict):
        return (node.line, sorted(node.key_lines.items(), key=str), [(k, _with_lines(v)) for k, v in node.items()])
    if isinstance(node, LineList):
        return (node.line, node.item_lines, [_with_lines(v) for v in node])
    return (type(node).__name__, node)


SCALAR_SNIPPETS = [
    "a: yes\nb: No\nc: on\nd: OFF\ne: true\nf: False\n",
    "a: 0x1F\nb: 0o17\nc: 1_000\nd: -12\ne: +3\nf: 0\ng: 012\n",
    "a: 1.5\nb: .inf\nc: -.INF\nd: .nan\ne: 1e3\nf: 6.02e+23\n",
    "a: ~\nb: null\nc:\nd: ''\ne: \"\"\n",
    "a: 2026-12-02\nb: 2026-12-02 18:00:00\nc: '2026-12-02'\n",
    "a: '123'\nb: \"yes\"\nc: !!str 42\nd: !!int '7'\ne: !!float 1\n",
    "a: |\n  two\n  lines\nb: >-\n  folded\n  text\nc: plain\n  continued\n",
    "- [a, b, {c: d}]\n- {e: [1, 2], f: {}}\n- []\n-\n- - nested\n  - list\n",
    "? complex\n: value\n=: equals\n1: one\n2.5: float key\nnull: null key\n",
    "",
    "# only a comment\n",
    "just text\n",
    "key: value with, comma\nurl: http://x.y/z?a=b#c\nquote: \"it's\"\n",
]


@pytest.mark.parametrize("text", SCALAR_SNIPPETS)
def test_values_read_exactly_as_pyyamls_safe_loader_reads_them(text):
    assert _with_lines(parse_yaml(text, "t.yaml")) == _with_lines(yaml.load(text, Loader=_ReferenceLoader))  # noqa: S506


def test_every_real_file_reads_as_pyyamls_safe_loader_reads_it():
    """The one-pass reader builds values from the parser's events; nothing a trainer writes may
    read differently from PyYAML's own safe loader, values or lines."""
    root = Path(__file__).resolve().parent.parent
    files = [p for folder in ("rules", "scenarios", "eval/cases") for p in sorted((root / folder).glob("*.yaml"))]
    assert len(files) > 150
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert _with_lines(parse_yaml(text, path.name)) == _with_lines(
            yaml.load(text, Loader=_ReferenceLoader)), path.name  # noqa: S506


@pytest.mark.parametrize("text,words,line", [
    ("a: 1\n---\nb: 2\n", "more than one YAML document", 2),
    ("a: !!set {x, y}\n", "the YAML tag 'tag:yaml.org,2002:set' is not accepted", 1),
    ("a: 1\nb: !!python/name:os.system x\n", "is not accepted", 2),
    ("base: {x: 1}\nc:\n  <<: {y: 2}\n", "merge keys (<<) are not accepted", 3),
    ("a: 1\n? [x, y]\n: 2\n", "a mapping key must be a plain value", 2),
    ("a: 1\nb: &anchor 2\n", "anchors and aliases", 2),
])
def test_what_the_reader_refuses_is_named_with_its_line(text, words, line):
    with pytest.raises(InputError) as err:
        parse_yaml(text, "t.yaml")
    assert words in str(err.value) and f"t.yaml:{line}:" in str(err.value), str(err.value)
