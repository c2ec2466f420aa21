"""The YAML loader: line numbers, duplicate keys, nothing but safe data."""
from pathlib import Path

import pytest

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


def test_the_fast_c_reader_gives_the_same_values_and_lines_as_the_python_one():
    """The C parser is used where PyYAML has it; nothing a trainer writes may read differently."""
    import glob

    import yaml

    from engine import yamlio

    class PythonLineLoader(yaml.SafeLoader):
        pass

    PythonLineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, yamlio._construct_mapping)
    PythonLineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, yamlio._construct_sequence)

    def with_lines(node):
        if isinstance(node, yamlio.LineDict):
            return (node.line, sorted(node.key_lines.items(), key=str), [(k, with_lines(v)) for k, v in node.items()])
        if isinstance(node, yamlio.LineList):
            return (node.line, node.item_lines, [with_lines(v) for v in node])
        return node

    root = Path(__file__).resolve().parent.parent
    files = sorted(glob.glob(str(root / "rules" / "*.yaml"))) + sorted(glob.glob(str(root / "scenarios" / "*.yaml")))
    assert files
    for name in files:
        text = Path(name).read_text(encoding="utf-8")
        fast = yaml.load(text, Loader=yamlio._LineLoader)  # noqa: S506 - both are safe loaders
        slow = yaml.load(text, Loader=PythonLineLoader)  # noqa: S506
        assert with_lines(fast) == with_lines(slow), name
