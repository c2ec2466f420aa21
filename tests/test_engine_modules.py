"""The engine's modules keep to their own concerns: none imports another's private (underscore)
names, the validator is split into its parts, and the engine never imports Streamlit or storage."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = sorted((ROOT / "engine").glob("*.py")) + sorted((ROOT / "ui").rglob("*.py"))


def imported_names(path: Path) -> list[tuple[str, str]]:
    """(module, name) for every `from module import name` and every `module._name` attribute use
    of an imported module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found, modules = [], set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                found.append((node.module or ".", alias.name))
                modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            modules.update((a.asname or a.name).split(".")[0] for a in node.names)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in modules:
            found.append((node.value.id, node.attr))
    return found


def test_no_module_imports_another_modules_private_names():
    private = [(path.relative_to(ROOT).as_posix(), module, name) for path in MODULES
               for module, name in imported_names(path)
               if name.startswith("_") and not name.startswith("__") and module != "__future__"]
    assert private == []


def test_the_validator_is_split_into_shapes_conditions_and_meaning():
    validate = (ROOT / "engine" / "validate.py").read_text(encoding="utf-8")
    assert "class RuleDoc" not in validate and "def parse_condition" not in validate
    assert "class RuleDoc" in (ROOT / "engine" / "schema.py").read_text(encoding="utf-8")
    conditions = (ROOT / "engine" / "conditions.py").read_text(encoding="utf-8")
    assert "def parse_condition" in conditions and "def expand" in conditions
    assert "from .conditions import expand" in (ROOT / "engine" / "compile.py").read_text(encoding="utf-8")


def test_the_engine_never_imports_the_app_or_streamlit():
    for path in sorted((ROOT / "engine").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else []
            for name in names:
                assert name.split(".")[0] not in ("streamlit", "ui"), (path.name, name)
