"""Step 1 of 5: read the rules folder into located YAML documents, and fingerprint it.

The folder holds four fixed documents and any number of rule files:

    ruleset.yaml   name and version of the rule base
    code.yaml      the NACM Code of Ethics as data (exact text)
    facts.yaml     the fact vocabulary: groups, facts, derived facts
    actions.yaml   the catalogue of recommended actions
    *.yaml         everything else: rule files, read in name order
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import InputError, Issue, RuleBaseError
from .inputs import check_folder, read_file_bytes, yaml_files
from .model import value_kind
from .paths import DEFAULT_RULES_DIR
from .yamlio import read_yaml

FIXED_DOCUMENTS = ("ruleset.yaml", "code.yaml", "facts.yaml", "actions.yaml")


@dataclass(frozen=True)
class Document:
    path: str  # as shown in messages: relative to the folder's parent when possible
    data: Any
    file: Path | None = None  # where it was read from: an excerpt of a problem reads its lines
    text: str | None = None  # or the text itself, for a document that never was a file (an upload)


@dataclass(frozen=True)
class RawRuleBase:
    directory: Path
    sha256: str
    ruleset: Document
    code: Document
    facts: Document
    actions: Document
    rule_files: tuple[Document, ...]


def rule_file_paths(directory: Path) -> list[Path]:
    return [p for p in yaml_files(directory, "rules folder") if p.name not in FIXED_DOCUMENTS]


def fingerprint(directory: Path | str | None = None) -> str:
    """sha256 over every YAML file of a rules folder (names and bytes), for caching and reports.
    Read like the files themselves (inputs.py): a named pipe or a looping link is refused, not read."""
    directory = resolve_rules_dir(directory)
    digest = hashlib.sha256()
    for path in yaml_files(directory, "rules folder"):
        digest.update(path.name.encode("utf-8", "surrogateescape") + b"\0")
        digest.update(read_file_bytes(path, _shown(path)))
        digest.update(b"\0")
    return digest.hexdigest()


def resolve_rules_dir(directory: Path | str | None) -> Path:
    if directory is not None and not isinstance(directory, (str, os.PathLike)):
        raise InputError(Issue(f"the rules folder is given as a path, got {value_kind(directory)}"))
    return check_folder(Path(directory) if directory is not None else DEFAULT_RULES_DIR, "rules folder")


def _shown(path: Path) -> str:
    """A short, stable name for messages: 'rules/boundaries.yaml' rather than an absolute path."""
    try:  # the folder resolved, not the file: a file may be a link that loops
        return str((path.parent.resolve() / path.name).relative_to(Path.cwd().resolve()))
    except (ValueError, OSError, RuntimeError):
        return f"{path.parent.name}/{path.name}"


def read_rules_dir(directory: Path | str | None = None) -> RawRuleBase:
    """Read every document; collect all parse errors before giving up."""
    directory = resolve_rules_dir(directory)
    issues: list[Issue] = []
    docs: dict[str, Document] = {}
    for name in FIXED_DOCUMENTS:
        path = directory / name
        try:
            docs[name] = Document(_shown(path), read_yaml(path, _shown(path)), path)
        except InputError as exc:
            issues.extend(exc.issues)
    rule_docs = []
    for path in rule_file_paths(directory):
        try:
            rule_docs.append(Document(_shown(path), read_yaml(path, _shown(path)), path))
        except InputError as exc:
            issues.extend(exc.issues)
    if issues:
        raise RuleBaseError(issues)
    return RawRuleBase(
        directory=directory,
        sha256=fingerprint(directory),
        ruleset=docs["ruleset.yaml"],
        code=docs["code.yaml"],
        facts=docs["facts.yaml"],
        actions=docs["actions.yaml"],
        rule_files=tuple(rule_docs),
    )
