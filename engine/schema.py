"""The shape of each YAML document, and where in the author's file a problem is.

Each document (ruleset, Code, facts, actions, a rule file, a scenario) has a strict pydantic
model: its keys, which are required, and the kind of value each takes. A shape error becomes an
Issue in the author's words (messages.py): the file and line, the item it belongs to ("rule
gifts.cash"), the field inside it, a suggestion drawn from that block's own keys, and the two
lines of the author's YAML with a caret under the problem. The Locator does the same for the
problems the validator finds by meaning.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Literal, Optional, Sequence, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import Issue
from .load import Document
from .messages import PURPOSES, excerpt, got, say, spellings, suggestion
from .yamlio import line_at


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class ParameterDoc(StrictModel):
    id: str
    value: int
    meaning: str
    source: str = ""
    comment: str = ""


class TopicDoc(StrictModel):
    id: str
    title: str
    comment: str = ""


class RulesetDoc(StrictModel):
    name: str
    version: str
    description: str = ""
    generic_commitments: list[int] = []
    parameters: list[ParameterDoc] = []
    topics: list[TopicDoc] = []
    comment: str = ""


class PurposeDoc(StrictModel):
    number: int
    title: str
    text: str


class CommitmentDoc(StrictModel):
    number: int
    title: str
    text: str
    comment: str = ""


class SectionDoc(StrictModel):
    id: str
    title: str
    commitments: list[CommitmentDoc]


class CodeDoc(StrictModel):
    title: str
    preamble: str
    scope: str
    application: str
    source: str
    purposes: list[PurposeDoc]
    sections: list[SectionDoc]
    comment: str = ""


class GroupDoc(StrictModel):
    id: str
    title: str
    question: str
    help: str = ""


class FactDoc(StrictModel):
    id: str
    group: str
    type: Literal["bool", "enum", "list", "int"]
    label: str
    question: str
    help: str = ""
    values: Optional[dict[str, str]] = None
    ask_if: Optional[dict[str, Any]] = None
    min: Optional[int] = None
    max: Optional[int] = None
    unit: str = ""
    unanswered: list[str] = []  # retired values still accepted in saved scenarios, read as "not known"
    agrees_with: Any = None  # a condition this yes/no answer must agree with (see model.Fact)
    comment: str = ""


class DerivedDoc(StrictModel):
    id: str
    label: str
    meaning: str
    comment: str = ""


class FactsDoc(StrictModel):
    groups: list[GroupDoc]
    facts: list[FactDoc]
    derived: list[DerivedDoc] = []
    comment: str = ""


class ActionDoc(StrictModel):
    id: str
    label: str
    guidance: str
    urgency: Literal["immediate", "soon", "routine"]
    safety: bool = False
    supporting: bool = False
    comment: str = ""


class ActionsDoc(StrictModel):
    actions: list[ActionDoc]
    comment: str = ""


class CiteDoc(StrictModel):
    commitment: Optional[int] = None
    purpose: Optional[int] = None
    role: Optional[Literal["governs", "also", "fallback"]] = None
    why: str


class ActionRefDoc(StrictModel):
    id: str
    urgency: Optional[Literal["immediate", "soon", "routine"]] = None
    note: str = ""
    leads: bool = False


class TensionDoc(StrictModel):
    between: list[int] = Field(min_length=2, max_length=2)
    why: str


class ExamplesDoc(StrictModel):
    fires: list[dict[str, Any]] = []
    silent: list[dict[str, Any]] = []


class RuleDoc(StrictModel):
    id: str
    title: str
    when: Any
    priority: int = Field(default=50, ge=0, le=100)
    cites: list[CiteDoc] = []
    actions: list[ActionRefDoc] = []
    concludes: list[str] = []
    replaces: list[str] = []
    tensions: list[TensionDoc] = []
    questions: list[str] = []
    comment: str = ""
    sources: list[str] = []
    examples: ExamplesDoc = ExamplesDoc()

    @field_validator("actions", mode="before")
    @classmethod
    def bare_action_ids(cls, value: Any) -> Any:
        """`actions: [document]` is short for `actions: [{id: document}]`."""
        if isinstance(value, list):
            return [{"id": item} if isinstance(item, str) else item for item in value]
        return value


class DefinitionDoc(StrictModel):
    id: str
    meaning: str
    when: Any
    comment: str = ""


class RuleFileDoc(StrictModel):
    rules: list[RuleDoc] = []
    definitions: list[DefinitionDoc] = []
    comment: str = ""


# --- locating: which item, which field, which line -----------------------------------------------

# Which item a location belongs to, by the list it sits in: ("rules", i) -> "rule <id>".
OWNERS = {
    "rules": "rule", "facts": "fact", "derived": "derived fact", "groups": "group",
    "definitions": "definition", "parameters": "parameter", "topics": "topic",
    "actions": "action", "purposes": "purpose", "sections": "section", "commitments": "commitment",
}


def owner_and_field(data: Any, loc: Sequence) -> tuple[str | None, str]:
    """Split a location into the item it belongs to and the field inside that item."""
    owner, owner_end, node = None, 0, data
    for i, step in enumerate(loc):
        if isinstance(step, int) and i > 0 and loc[i - 1] in OWNERS and isinstance(node, list):
            item = node[step] if 0 <= step < len(node) else None
            name = None
            if isinstance(item, dict):
                name = item.get("id", item.get("number"))
            owner = f"{OWNERS[loc[i - 1]]} {name if isinstance(name, (str, int)) else f'#{step + 1}'}"
            owner_end = i + 1
        if isinstance(node, dict) and step in node:
            node = node[step]
        elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
            node = node[step]
        else:
            node = None
    return owner, dotted(loc[owner_end:])


def dotted(path: Sequence) -> str:
    """A path inside an item as the author reads it: when.all[0].equals."""
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out


def deepest_node(data: Any, loc: Sequence) -> tuple[tuple, Any]:
    """The longest prefix of a location that exists in the document, and the value there (a
    rule's `actions: [document]` has no `id` key for actions[0].id to reach: actions[0] is it)."""
    node = data
    for depth, step in enumerate(loc):
        if isinstance(node, dict) and step in node:
            node = node[step]
        elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
            node = node[step]
        else:
            return tuple(loc[:depth]), node
    return tuple(loc), node


FROM_LOCATION = "from the location"  # Locator.add's default: work the owner and field out from loc


class Locator:
    """Builds located issues for one document: file, line, owner, field and the excerpt."""

    def __init__(self, doc: Document, issues: list[Issue]):
        self.doc, self.issues = doc, issues
        self._lines: list[str] | None = None

    @property
    def lines(self) -> list[str]:
        """The document's text, read only once a problem needs an excerpt."""
        if self._lines is None:
            text = self.doc.text
            if text is None and self.doc.file is not None:
                try:
                    text = Path(self.doc.file).read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError):
                    text = ""
            self._lines = (text or "").splitlines()
        return self._lines

    def add(self, message: str, loc: Sequence, owner: str | None = FROM_LOCATION,
            field: str | None = FROM_LOCATION, point: str = "value") -> None:
        """One problem at `loc` (keys and indexes into the document). owner and field are worked
        out from loc unless given (None: there is none). point: the caret goes under the value at
        loc ("value") or under its key ("key")."""
        loc = tuple(loc)
        if owner is FROM_LOCATION or field is FROM_LOCATION:
            found_owner, found_field = owner_and_field(self.doc.data, loc)
            owner = found_owner if owner is FROM_LOCATION else owner
            field = (found_field or None) if field is FROM_LOCATION else field
        line = line_at(self.doc.data, loc)
        self.issues.append(Issue(message, self.doc.path, line, owner, field, self.excerpt(loc, line, point)))

    def excerpt(self, loc: tuple, line: int | None, point: str = "value") -> str:
        found, value = deepest_node(self.doc.data, loc)
        if found != loc and point == "key" and loc and isinstance(loc[-1], str):
            return excerpt(self.lines, line, loc[-1], (), point)  # a key that is missing or unknown
        key = found[-1] if found and isinstance(found[-1], str) else None
        return excerpt(self.lines, line, key, spellings(value), point)


# --- shapes ------------------------------------------------------------------------------------

def _unwrap(annotation: Any) -> Any:
    """Optional[X] -> X."""
    if get_origin(annotation) is Union:
        inner = [a for a in get_args(annotation) if a is not type(None)]
        return inner[0] if len(inner) == 1 else annotation
    return annotation


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def block_model(model: type[BaseModel], loc: Sequence) -> type[BaseModel] | None:
    """The model of the block at a location inside a document (the rule, the citation...)."""
    current: Any = model
    for step in loc:
        current = _unwrap(current)
        if _is_model(current):
            if not (isinstance(step, str) and step in current.model_fields):
                return None
            current = current.model_fields[step].annotation
        elif get_origin(current) is list and isinstance(step, int):
            current = get_args(current)[0]
        elif get_origin(current) is dict:
            current = get_args(current)[1]
        else:
            return None
    current = _unwrap(current)
    return current if _is_model(current) else None


def _length_limits(model: type[BaseModel], loc: Sequence) -> tuple[int | None, int | None]:
    parent = block_model(model, loc[:-1])
    if parent is None or not loc or loc[-1] not in parent.model_fields:
        return None, None
    metadata = parent.model_fields[loc[-1]].metadata
    low = next((m.min_length for m in metadata if hasattr(m, "min_length")), None)
    high = next((m.max_length for m in metadata if hasattr(m, "max_length")), None)
    return low, high


def _quoted_hint(value: Any) -> str:
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return " (write the number without quotes)"
    return ""


def shape_message(model: type[BaseModel], error: dict) -> tuple[str, str]:
    """One pydantic error in the author's words, and where the caret goes ("value" or "key")."""
    kind, value, ctx, loc = error["type"], error.get("input"), error.get("ctx") or {}, tuple(error["loc"])
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return say("not_whole_number", got=got(value), hint=_quoted_hint(value)), "value"
    if kind == "string_type":
        hint = ""
        if isinstance(value, bool):
            hint = " (YAML reads a bare yes, no, on or off as true or false: put the text in quotes)"
        elif isinstance(value, (int, float)):
            hint = " (put it in quotes to keep it as text)"
        elif isinstance(value, dict):
            hint = " (a ': ' inside the text starts a mapping: put the whole text in quotes)"
        return say("not_text", got=got(value), hint=hint), "value"
    if kind == "bool_type":
        hint = ""
        if isinstance(value, str) and value.lower() in ("yes", "no", "true", "false", "on", "off"):
            hint = " (write true or false without quotes)"
        return say("not_yes_no", got=got(value), hint=hint), "value"
    if kind in ("list_type", "tuple_type", "set_type"):
        hint = ": put it on a line of its own below, starting with '- '" \
            if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
        return say("not_a_list", got=got(value), hint=hint), "value"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return say("not_a_mapping", got=got(value)), "value"
    if kind == "literal_error":
        allowed = ctx.get("expected", "").replace(" or ", ", ")
        return say("not_one_of", got=got(value), allowed=allowed), "value"
    if kind in ("less_than_equal", "less_than"):
        return say("at_most", limit=ctx.get("le", ctx.get("lt")), got=got(value)), "value"
    if kind in ("greater_than_equal", "greater_than"):
        return say("at_least", limit=ctx.get("ge", ctx.get("gt")), got=got(value)), "value"
    if kind in ("too_short", "too_long"):
        low, high = _length_limits(model, loc)
        count = ctx.get("actual_length", len(value) if isinstance(value, (list, dict)) else 0)
        if low is not None and low == high:
            return say("exactly_items", limit=low, count=count), "key"
        if kind == "too_short":
            return say("too_few_items", limit=ctx.get("min_length", low), count=count), "key"
        return say("too_many_items", limit=ctx.get("max_length", high), count=count), "key"
    return say("does_not_fit", got=got(value)), "value"


def _document_keys(model: type[BaseModel]) -> str:
    required = [n for n, f in model.model_fields.items() if f.is_required()]
    optional = [n for n, f in model.model_fields.items() if not f.is_required()]
    if not required:
        return "any of the keys " + ", ".join(optional)
    return "the keys " + ", ".join(required) + (f" (optional: {', '.join(optional)})" if optional else "")


def check_shape(doc: Document, model: type[BaseModel], issues: list[Issue]) -> Any:
    """Validate a document's shape; on failure add located issues and return None."""
    place = Locator(doc, issues)
    if not isinstance(doc.data, dict):
        shown_as = "an empty file" if doc.data is None else got(doc.data)
        issues.append(Issue(say("document_not_a_mapping", keys=_document_keys(model), got=shown_as),
                            file=doc.path, line=getattr(doc.data, "line", None) or 1))
        return None
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        errors = exc.errors()
        # A misspelt key also makes the key it meant missing: one message says both.
        meant: set[tuple] = set()
        for err in errors:
            loc = tuple(err["loc"])
            if err["type"] == "extra_forbidden":
                block = block_model(model, loc[:-1])
                own = list(block.model_fields) if block is not None else []
                guess = suggestion(loc[-1], own)
                meant |= {loc[:-1] + (key,) for key in own if guess == f" (did you mean '{key}'?)"}
        for err in errors:
            loc = tuple(err["loc"])
            kind = err["type"]
            if kind == "extra_forbidden":
                key = loc[-1]
                block = block_model(model, loc[:-1])
                own = list(block.model_fields) if block is not None else []
                owner, field = owner_and_field(doc.data, loc[:-1])
                place.add(say("unknown_key", key=key, suggestion=suggestion(key, own)), loc, owner,
                          field or None, "key")
                continue
            if kind == "missing" and loc in meant:
                continue
            if kind == "missing":
                key = loc[-1]
                owner, field = owner_and_field(doc.data, loc[:-1])
                purpose = f": {PURPOSES[key]}" if key in PURPOSES else ""
                place.add(say("missing_key", key=key, purpose=purpose), loc[:-1], owner, field or None, "key")
                continue
            message, point = shape_message(model, err)
            place.add(message, loc, point=point)
        return None


__all__ = ["ActionDoc", "ActionRefDoc", "ActionsDoc", "CiteDoc", "CodeDoc", "CommitmentDoc", "DefinitionDoc",
           "DerivedDoc", "ExamplesDoc", "ParameterDoc", "TopicDoc", "FactDoc", "FactsDoc", "GroupDoc", "Locator", "OWNERS", "PurposeDoc", "RuleDoc",
           "RuleFileDoc", "RulesetDoc", "SectionDoc", "StrictModel", "TensionDoc", "block_model", "check_shape",
           "deepest_node", "dotted", "owner_and_field", "shape_message"]
