"""What the pages share: the cached engine, the intake form, report cards, safe text fields.

Pages gather input and show output; every word of advice comes from the engine's report.
Text a person typed is never passed to Markdown unescaped, never logged, never put in a URL.
"""
from __future__ import annotations

import re
from typing import Any, Iterable, Mapping

import streamlit as st

import engine
from engine.model import URGENCIES, Fact, RuleBase
from engine.present import SAFETY_NOTE, Entry, Outline, Section, outline, what_if_groups
from engine.render import unlinked
from engine.report import Report, ReportDiff
from engine.whatif import WhatIf
from engine.words import URGENCY_WORDS

from . import access, intake
from .exports import exports, record_exports
from .privacy import ADVICE, identifying_details
from .storage import StorageError, Store, configured_url
from .storage.store import BoundStore
from .storage.location import shown
from .storage.retention import retention_days
from .reference import Entry, build_entries
from .training import ScenarioLibrary, folder_fingerprint, load_library

# Urgency always in words and an icon as well as colour (a card's level, as in CDS Hooks cards).
LEVELS = {
    "immediate": ("red", ":material/emergency_home:", "Critical"),
    "soon": ("orange", ":material/warning:", "Warning"),
    "routine": ("blue", ":material/info:", "Info"),
}
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$=\"'^&%@])")


def md(text: Any) -> str:
    """Text shown exactly as written: every character Markdown (or Streamlit's extensions such as
    :red[...] and $math$) could read as markup is escaped, and no URL or address becomes a link
    (engine.render.unlinked). Use it for anything a person typed."""
    return _MD_SPECIAL.sub(r"\\\1", unlinked(str(text))).replace("\n", "  \n")


_LABEL_MARKUP = re.compile(r"([\\`*_\[\]<>#|~$])")
_LABEL_DIRECTIVE = re.compile(r":(\w+)(?=[:\[])")


def widget_label(text: Any) -> str:
    """A widget label that reads aloud as it shows. Streamlit renders a label as Markdown but gives
    screen readers the raw string, so md()'s escapes (and any ** for bold) would be read out:
    only what Markdown would act on is escaped here, which the vocabulary's wording never has."""
    text = _LABEL_MARKUP.sub(r"\\\1", " ".join(str(text).split()))
    return _LABEL_DIRECTIVE.sub(r"\\:\1", text)


def paragraphs(text: str) -> str:
    """Prose written in YAML (a narrative, notes): lines joined, blank lines kept as paragraphs."""
    return "\n\n".join(md(" ".join(p.split())) for p in re.split(r"\n\s*\n", text.strip()) if p.strip())


def badge(urgency: str) -> str:
    color, icon, level = LEVELS[urgency]
    return f":{color}-badge[{icon} {level}: {URGENCY_WORDS[urgency]}]"


# --- the engine and the data, cached -----------------------------------------------------------

@st.cache_resource(show_spinner="Loading the rules…", max_entries=4)
def _advisor(fingerprint: str) -> engine.Advisor:
    """Validated and compiled once per version of the rule files (the fingerprint is the key)."""
    return engine.load(engine.DEFAULT_RULES_DIR)


def advisor() -> engine.Advisor:
    try:
        return _advisor(engine.fingerprint(engine.DEFAULT_RULES_DIR))
    except engine.InputError as exc:
        st.error("The rules do not validate, so no advice can be given. Problems found:")
        st.markdown("\n".join(f"- {md(line)}" for line in exc.lines()))
        st.stop()
        raise  # not reached: st.stop() ends the run


@st.cache_resource(show_spinner="Reading the scenarios…", max_entries=4)
def _library(rules_fingerprint: str, scenarios_fingerprint: str) -> ScenarioLibrary:
    return load_library(_advisor(rules_fingerprint))


def library() -> ScenarioLibrary:
    advisor()  # stops the page with the rules' problems, if any
    return _library(engine.fingerprint(engine.DEFAULT_RULES_DIR), folder_fingerprint())


@st.cache_resource(show_spinner="Preparing the library…", max_entries=4)
def _reference(rules_fingerprint: str, scenarios_fingerprint: str) -> tuple[Entry, ...]:
    return build_entries(_advisor(rules_fingerprint).rulebase, _library(rules_fingerprint, scenarios_fingerprint))


def reference() -> tuple[Entry, ...]:
    """The Library's entries, built once per version of the rules and the scenarios (their
    fingerprints are the key): later visits only search and draw."""
    advisor()
    return _reference(engine.fingerprint(engine.DEFAULT_RULES_DIR), folder_fingerprint())


def open_exercise(scenario_id: str) -> None:
    """Open a library scenario as an exercise on the Train page (its filters cleared, so that it is
    among the choices). Uses the Train page's widget keys: tests/ui/test_ui_library.py checks them."""
    st.session_state.update({"train.source": "The library", "train.topics": [], "train.commitments": [],
                             "train.levels": [], "train.pick": scenario_id})
    st.switch_page("views/train.py")


@st.cache_resource(max_entries=4, show_spinner="Opening the consultations database…")
def _store(url: str, keep_days: int | None, signed_in: bool = False) -> Store:
    return Store(url, retention_days=keep_days, signed_in=signed_in)


def store(stop: bool = True) -> BoundStore | None:
    """The consultations database (DATABASE_URL, $NACM_ETHICS_DB or the user's data folder, read at
    each run), migrated on first use, with every call made for the person using the app (ui/access.py).
    If it cannot be opened, the page says why and stops (or, with stop=False, goes on without it: None)."""
    try:
        url = configured_url()
        opened = _store(url.render_as_string(hide_password=False), retention_days(), access.shared())
        opened.apply_retention()  # at most once an hour
        return opened.bound(access.viewer())  # every call made for whoever uses this session
    except StorageError as exc:
        st.error(f"Saved consultations are not available: {md(exc)}. Nothing can be saved or reviewed "
                 "until this is fixed; the advice itself still works.", icon=":material/database:")
        if not stop:
            return None
        st.stop()
        raise  # not reached: st.stop() ends the run


def storage_place() -> str:
    """Where saved consultations go, in words (Markdown), without a password."""
    try:
        url = configured_url()
    except StorageError as exc:
        return f"in a database that is not available ({md(exc)})"
    if url.get_backend_name() == "sqlite":
        return f"in a private file on this computer (`{md(url.database)}`)"
    return f"in your organisation's shared database (`{md(shown(url))}`)"


# --- keeping answers across pages ---------------------------------------------------------------
# Streamlit forgets the state of widgets a run does not draw, so answers would be lost on a visit
# to another page. Each form keeps a copy of its widgets' values in session state.

def _kept() -> dict:
    return st.session_state.setdefault("_kept", {})


def restore(key: str, default: Any = None) -> str:
    if key not in st.session_state:
        st.session_state[key] = _kept().get(key, default)
    return key


def remember(key: str) -> None:
    _kept()[key] = st.session_state.get(key)


def forget(prefix: str, everything: bool = False) -> None:
    """Drop a form's answers (its widgets and their kept copies), or every key of the page."""
    starts = (prefix + ".",) if everything else (f"{prefix}.area.", f"{prefix}.fact.")
    for store_ in (st.session_state, _kept()):
        for key in [k for k in store_ if isinstance(k, str) and k.startswith(starts)]:
            del store_[key]


def preset(prefix: str, rulebase: RuleBase, facts: Mapping[str, Any]) -> None:
    """Fill a form with the given facts (the what-if base, a saved consultation)."""
    forget(prefix)
    areas = set(intake.areas_of(rulebase, facts))
    for group in rulebase.groups:
        st.session_state[f"{prefix}.area.{group.id}"] = group.id in areas
        remember(f"{prefix}.area.{group.id}")
    for fact in rulebase.input_facts:
        key = f"{prefix}.fact.{fact.id}"
        st.session_state[key] = intake.to_widget(fact, facts.get(fact.id))
        remember(key)


def kept_tabs(key: str, tabs: Mapping[str, str]) -> list:
    """Tabs that stay on the one a person chose, across reruns, even when its label changes
    ("Notes (1)" after a note is added). `tabs` maps a stable name to the label shown.

    Streamlit knows stateful tabs by their labels: a new label is a new widget, which opens on the
    first tab. The choice is therefore kept by name and given back under the new label."""
    names, labels = list(tabs), list(tabs.values())
    previous = st.session_state.get(f"{key}.names", {})  # label -> name, as last drawn
    chosen = st.session_state.get(key)
    if chosen is not None and chosen not in labels:
        name = previous.get(chosen)
        st.session_state[key] = tabs.get(name, labels[0])
    st.session_state[f"{key}.names"] = dict(zip(labels, names))
    return list(st.tabs(labels, key=key, on_change="rerun"))


# --- the intake ---------------------------------------------------------------------------------

def area_picker(rulebase: RuleBase, prefix: str) -> list[str]:
    chosen = []
    for group in rulebase.groups:
        key = restore(f"{prefix}.area.{group.id}", False)
        if st.checkbox(widget_label(f"{group.title}: {group.question}"), key=key, help=group.help or None):
            chosen.append(group.id)
        remember(key)
    return chosen


def question(fact: Fact, prefix: str, depth: int) -> Any:
    """Draw one question's widget; return the fact value it gives (None: not sure)."""
    key = f"{prefix}.fact.{fact.id}"
    text = widget_label(fact.question)  # a follow-up is indented under its answer, not marked with a symbol
    help_ = fact.help or None
    if fact.type == "bool":
        restore(key, intake.NOT_SURE)
        shown = st.radio(text, intake.BOOL_CHOICES, key=key, horizontal=True, help=help_)
    elif fact.type == "enum":
        restore(key, intake.NOT_SURE)
        shown = st.radio(text, [*fact.value_ids, intake.NOT_SURE], key=key, help=help_,
                         format_func=lambda v, f=fact: intake.NOT_SURE if v == intake.NOT_SURE else f.value_label(v))
    elif fact.type == "list":
        restore(key, [])
        shown = st.multiselect(text, [*fact.value_ids, intake.NONE_OF_THESE], key=key, help=help_,
                               placeholder="Not sure: choose any that apply",
                               format_func=lambda v, f=fact: intake.NONE_OF_THESE_LABEL if v == intake.NONE_OF_THESE
                               else f.value_label(v))
    else:
        restore(key, None)
        unit = f" ({fact.unit})" if fact.unit else ""
        shown = st.number_input(text + widget_label(unit), min_value=fact.minimum, max_value=fact.maximum, step=1,
                                value=None, key=key, help=help_, placeholder="Not sure: leave empty")
    remember(key)
    return intake.from_widget(fact, shown)


def questions(rulebase: RuleBase, prefix: str, areas: Iterable[str]) -> dict[str, Any]:
    """The questions of the chosen areas, each area under its title, follow-ups below their answer."""
    areas = list(areas)
    titles = {g.id: g.title for g in rulebase.groups}
    shown_group: list[str] = []

    def answer(fact: Fact, depth: int) -> Any:
        if depth == 0 and (not shown_group or shown_group[-1] != fact.group):
            shown_group.append(fact.group)
            st.markdown(f"### {md(titles[fact.group])}")  # under "2 · Think it through" (h2)
        if depth:
            _, column = st.columns([0.06 * depth, 1 - 0.06 * depth])
            with column:
                return question(fact, prefix, depth)
        return question(fact, prefix, depth)

    return intake.walk(rulebase, areas, answer)


def facts_summary(rulebase: RuleBase, facts: Mapping[str, Any]) -> None:
    if not facts:
        st.markdown("*No facts given yet.*")
        return
    st.markdown("\n".join(
        f"- {md(rulebase.facts[f].label)}: **{md(intake.value_words(rulebase.facts[f], v))}**"
        for f, v in facts.items()))


# --- the report: the outline of engine/present.py, shown as cards --------------------------------

EMERGENCY_LINE = "If someone may be in danger, call emergency services now. Nothing here needs to come first."


def disclaimer(report: Report | None = None) -> None:
    st.warning(md(report.disclaimer if report else engine.DISCLAIMER), icon=":material/gavel:")


def emergency_line() -> None:
    """The first thing on the page at every width: the way to an emergency call."""
    st.error(f"**{md(EMERGENCY_LINE)}**", icon=":material/emergency:")


def urgent_now(report: Report, rulebase: RuleBase) -> None:
    """The immediate safety steps the answers so far call for, shown before the rest of the form
    and without waiting for the advice button (a section of its own, under the page title)."""
    doc = outline(report, rulebase)
    urgent = [e for e in doc.section("actions").entries if e.safety and e.tone == "immediate"]
    if urgent:
        st.markdown("## Act now")
        for entry in urgent:
            entry_card(entry)


def _why(entry: Entry, label: str = "Why?") -> None:
    """A card's reasons: the rules (id and title), what each needs, and the facts that met it."""
    if not entry.reasons:
        return
    with st.expander(label, icon=":material/help:"):
        for r in entry.reasons:
            lines = [f"**Rule `{r.rule}`**: {md(r.title)}"]  # ids are checked: letters, digits, . and _
            if r.why and entry.reasons_with_why:
                lines.append(f"  \n{md(r.why)}")
            lines.append(f"  \n*Applies when* {md(r.applies_when)}.")
            lines.append(f"  \n*Facts:* {md(r.facts) if r.facts else 'none'}")
            st.markdown("".join(lines))


def entry_card(entry: Entry, number: int | None = None) -> None:
    """One outline entry as a card: its tag (urgency in words, icon and colour), title, quote,
    body, notes, details and reasons, in the order every other output uses."""
    with st.container(border=True):
        prefix = f"{number}. " if number and entry.tone not in LEVELS else ""
        if entry.tone in LEVELS:
            head = f"{badge(entry.tone)}  \n**{md(entry.title)}**"
        elif entry.tone in ("governing", "also_relevant"):
            color = "blue" if entry.tone == "governing" else "gray"
            head = f":{color}-badge[:material/menu_book: {md(entry.tag_meaning)}: {md(entry.tag)}] **{md(entry.title)}**"
        elif entry.tone == "tension":
            head = f":orange-badge[:material/balance: {md(entry.tag)}] **{md(entry.title)}**"
        else:
            head = f"**{prefix}{md(entry.title)}**"
        if entry.safety:
            head += f"  \n:red[**{md(SAFETY_NOTE)}**]"
        st.markdown(head)
        if entry.quote:
            st.markdown(f"> “{md(entry.quote)}”")
        if entry.tag_meaning and entry.tone in LEVELS:
            st.markdown(f"*{md(entry.tag_meaning.capitalize())}.* " + " ".join(md(b) for b in entry.body))
        else:
            for text in entry.body:
                st.markdown(md(text))
        for note in entry.notes:
            st.markdown(f"**Note:** {md(note)}")
        if entry.details:
            st.markdown("\n".join(f"- {md(d)}" for d in entry.details))
        _why(entry)


def headline_banner(doc: Outline, link: bool = False) -> None:
    """What comes first, in one line; red when something must happen now."""
    text = f"**{md(doc.headline)}**" + (" [See the advice below](#decide)" if link else "")
    if doc.urgent:
        st.error(text, icon=":material/emergency_home:")
    else:
        st.info(text, icon=":material/info:")


def glance(report: Report) -> None:
    """What comes first, in one line, with a link down to the advice."""
    headline_banner(outline(report, advisor().rulebase), link=True)


def _section(section: Section, level: str = "###") -> None:
    if section.folded:
        with st.expander(section.title, icon=":material/unfold_more:"):
            _section_body(section)
        return
    st.markdown(f"{level} {md(section.title)}")
    _section_body(section)


def _section_body(section: Section) -> None:
    if section.intro:
        st.caption(md(section.intro))
    if not section.entries and section.empty:
        st.markdown(md(section.empty))
    for i, entry in enumerate(section.entries, 1):
        if entry.tone == "info" and not (entry.details or entry.quote or entry.reasons or entry.body):
            st.markdown(f"- {md(entry.title)}")
        else:
            entry_card(entry, i if section.numbered else None)


DECISION_SECTIONS = ("actions", "replaced", "governing", "also_relevant", "tensions", "purposes")
TESTING_SECTIONS = ("questions", "to_find_out")


def show_decision(report: Report, rulebase: RuleBase, level: str = "###") -> None:
    """Step 3, decide: what comes first (the headline, then the actions), the short disclaimer,
    then the commitments that govern, those also relevant (folded) and what pulls against what.
    `level` is the Markdown heading of each section: one below the heading the report sits under."""
    doc = outline(report, rulebase)
    headline_banner(doc)
    for section in doc.sections:
        if section.key == "actions":
            _section(section, level)
            disclaimer(report)
        elif section.key in DECISION_SECTIONS:
            _section(section, level)


def show_testing(report: Report, rulebase: RuleBase, level: str = "###") -> None:
    """Step 4, test the decision: questions for reflection and what else to find out."""
    for section in outline(report, rulebase).sections:
        if section.key in TESTING_SECTIONS:
            _section(section, level)


def show_report(report: Report, rulebase: RuleBase, level: str = "###") -> None:
    show_decision(report, rulebase, level)
    show_testing(report, rulebase, level)


# --- free text, downloads -------------------------------------------------------------------------

def _keep_within(key: str, limit: int) -> None:
    """on_change of a bounded text: longer than its limit, it is cut to it and the page says so."""
    value = st.session_state.get(key) or ""
    if len(value) > limit:
        st.session_state[key] = value[:limit]
        st.session_state[f"{key}.cut"] = len(value)


def bounded_text(label: str, key: str, limit: int, area: bool = False, help: str | None = None,
                 **options: Any) -> str:
    """A text field that keeps at most `limit` characters and says when it cut a paste.

    Not Streamlit's max_chars: a paste longer than that is silently thrown away whole, so a
    4,500-character note became an empty field with no word of why."""
    widget = st.text_area if area else st.text_input
    help = (help + " " if help else "") + f"At most {limit:,} characters."
    value = widget(label, key=key, on_change=_keep_within, args=(key, limit), help=help, **options)
    if cut := st.session_state.pop(f"{key}.cut", None):
        st.warning(f"What was typed or pasted had {cut:,} characters, more than the {limit:,} this field holds: "
                   f"only the first {limit:,} are kept. Check how it ends now.", icon=":material/content_cut:")
    return value or ""


def private_text(label: str, key: str, area: bool = False, max_chars: int = 120, help: str | None = None) -> str:
    """A free-text field that warns when its text looks identifying. Nothing typed is logged."""
    value = bounded_text(label, key, max_chars, area=area,
                         help=help or "Keep it de-identified: no names, dates of birth, addresses or record numbers.")
    found = identifying_details(value)
    if found:
        st.warning(f"**This may identify someone:** it seems to contain {md(', '.join(found))}. {md(ADVICE)}",
                   icon=":material/privacy_tip:")
    return value or ""


def downloads(report: Report, title: str, key: str) -> None:
    st.caption(f"Each file is stamped with the rule-base version ({md(report.version)}, "
               f"{report.sha256[:12]}) and the date.")
    columns = st.columns(3)
    for column, export in zip(columns, exports(report, advisor().rulebase, title)):
        with column:
            st.download_button(f"Download {export.label}", export.make, file_name=export.file_name,
                               mime=export.mime, key=f"{key}.{export.label.lower()}", on_click="ignore",
                               icon=":material/download:", width="stretch")


def record_downloads(record, notes, report: Report, key: str) -> None:
    """The whole supervision record as PDF and Markdown."""
    columns = st.columns(2)
    for column, export in zip(columns, record_exports(record, notes, report, advisor().rulebase)):
        with column:
            st.download_button(f"Download the record ({export.label})", export.make, file_name=export.file_name,
                               mime=export.mime, key=f"{key}.{export.label.lower()}", on_click="ignore",
                               icon=":material/download:", width="stretch")


YOU_KEY = "you.name"  # one name or role for the whole session, on every page that asks


def who_are_you(label: str = "Your name or role") -> str:
    """Who is saving or writing: a name or a role, asked once and kept for the session. It is not a
    sign-in: it says who wrote what, and lets a person change only their own notes. Where people
    sign in (ui/access.py), it is who signed in, and nothing is asked."""
    signed = access.signature()
    if signed is not None:
        return signed
    key = restore(YOU_KEY, "")
    value = bounded_text(label, key, 80, placeholder="for example “J. Rivera” or “supervisor”",
                         help="Shown with what you save and write, so that others know who wrote it.")
    remember(key)
    return " ".join((value or "").split())


# --- what if --------------------------------------------------------------------------------------

def diff_summary(rulebase: RuleBase, diff: ReportDiff) -> list[str]:
    """The differences in words (Markdown), each tagged as ADDED, REMOVED, MORE or LESS URGENT."""
    lines = []
    for a in diff.added_actions:
        lines.append(f":green-badge[ADDED] action **{md(rulebase.actions[a].label)}**")
    for a in diff.removed_actions:
        lines.append(f":gray-badge[REMOVED] action ~~{md(rulebase.actions[a].label)}~~")
    for a, before, after in diff.urgency_changes:
        more = URGENCIES.index(after) < URGENCIES.index(before)
        tag = ":red-badge[MORE URGENT]" if more else ":blue-badge[LESS URGENT]"
        lines.append(f"{tag} **{md(rulebase.actions[a].label)}**: {before} → {after}")
    for n in diff.added_commitments:
        lines.append(f":green-badge[ADDED] commitment **{n}. {md(rulebase.code.commitment(n).title)}**")
    for n in diff.removed_commitments:
        lines.append(f":gray-badge[REMOVED] commitment ~~{n}. {md(rulebase.code.commitment(n).title)}~~")
    for pair in diff.added_tensions:
        lines.append(f":green-badge[ADDED] tension between commitments {pair[0]} and {pair[1]}")
    for pair in diff.removed_tensions:
        lines.append(f":gray-badge[REMOVED] tension between commitments {pair[0]} and {pair[1]}")
    return lines


def start_what_if(facts: Mapping[str, Any], origin: str, consultation: int | None = None) -> None:
    """Open the What if page with these facts as its starting point; from a saved consultation,
    its outcome can be kept as a note of that consultation."""
    token = st.session_state.get("whatif.token", 0) + 1
    st.session_state["whatif.token"] = token
    st.session_state["whatif.base"] = {"facts": dict(facts), "origin": origin, "token": token,
                                       "consultation": consultation}
    st.switch_page("views/whatif.py")


WHATIF_TONES = {"added": "green", "removed": "gray", "more": "red", "less": "blue"}


def what_if_explained(rulebase: RuleBase, whatif: WhatIf) -> None:
    """The differences of a what-if under the change that causes each, with the rules behind them."""
    for cause, items in what_if_groups(rulebase, whatif):
        lines = []
        for e in items:
            what = f"~~{md(e.what)}~~" if e.tone == "removed" else f"**{md(e.what)}**"
            urgency = f": {md(e.urgency)}" if e.urgency else ""
            lines.append(f"- :{WHATIF_TONES[e.tone]}-badge[{e.tag}] {e.kind} {what}{urgency}"
                         + "".join(f"\n  - *{md(r)}*" for r in e.rules))
        st.markdown(f"**{md(cause)}**\n\n" + "\n".join(lines))


def report_summary(rulebase: RuleBase, report: Report, diff: ReportDiff, side: str) -> None:
    """One side of a what-if comparison: actions (urgency in words) and commitments, with what
    this side has that the other has not tagged in words as well as colour."""
    urgency_change = {a: (b, c) for a, b, c in diff.urgency_changes}
    gone = set(diff.removed_actions) if side == "before" else set(diff.added_actions)
    gone_c = set(diff.removed_commitments) if side == "before" else set(diff.added_commitments)
    tag = ":gray-badge[REMOVED]" if side == "before" else ":green-badge[ADDED]"
    lines = []
    for a in report.actions:
        mark = f"{tag} " if a.id in gone else ""
        if side == "after" and a.id in urgency_change:
            before, after = urgency_change[a.id]
            mark = f":violet-badge[WAS {before.upper()}] "
        label = f"~~{md(a.label)}~~" if side == "before" and a.id in gone else f"**{md(a.label)}**"
        lines.append(f"- {mark}{badge(a.urgency)} {label}")
    st.markdown("**Actions**  \n" + ("\n".join(lines) if lines else "None."))
    lines = []
    for c in report.commitments:
        mark = f"{tag} " if c.number in gone_c else ""
        title = f"{c.number}\\. {md(c.title)}"  # escaped: "19. x" would start a numbered list
        lines.append(f"- {mark}" + (f"~~{title}~~" if side == "before" and c.number in gone_c else title))
    st.markdown("**Commitments at stake**  \n" + ("\n".join(lines) if lines else "None."))
    if report.tensions:
        code = rulebase.code
        st.markdown("**Tensions**  \n" + "\n".join(
            f"- {a}\\. {md(code.commitment(a).title)} ↔ {b}\\. {md(code.commitment(b).title)}"
            for a, b in (t.between for t in report.tensions)))
