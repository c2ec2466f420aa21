"""Every page renders; the Library and About pages say what they should."""
from __future__ import annotations

import pytest

import engine

from conftest import unescape

PAGES = ["views/consult.py", "views/whatif.py", "views/review.py", "views/feedback.py", "views/train.py",
         "views/classes.py", "views/join.py", "views/library.py",
         "views/about.py"]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_without_error(app, page):
    app.switch_page(page).run()
    assert not app.exception, [e.value for e in app.exception]
    assert len(app.title) == 1


def test_every_widget_has_a_label(app):
    for page in PAGES:
        app.switch_page(page).run()
        for kind in ("checkbox", "radio", "multiselect", "selectbox", "text_input", "text_area", "number_input",
                     "button", "toggle"):
            for widget in getattr(app, kind):
                assert (widget.label or "").strip(), (page, kind, widget.key)


def test_the_library_shows_each_commitment_with_the_codes_text_and_the_rules_citing_it(app, rulebase):
    app.switch_page("views/library.py").run()
    for commitment in rulebase.code.commitments:
        expander = next(e for e in app.expander if e.label == f"{commitment.number}. {commitment.title}")
        text = unescape("\n".join(m.value for m in expander.markdown))
        assert f"> “{commitment.text}”" in text
        citing = [r.id for r in rulebase.rules if any(c.kind == "commitment" and c.number == commitment.number
                                                      for c in r.cites)]
        for rule_id in citing:
            assert f"`{rule_id}`" in text
        if not citing:
            assert "none yet" in text
    for purpose in rulebase.code.purposes:
        assert any(e.label == f"Purpose {purpose.number}: {purpose.title}" for e in app.expander)


def open_library_tab(app, label: str):
    app.session_state["library.tab"] = label  # as a click on the tab leaves it
    app.run()
    assert not app.exception, [e.value for e in app.exception]


def test_the_library_explains_every_rule_in_plain_words(app, rulebase):
    app.switch_page("views/library.py").run()
    open_library_tab(app, "Rules")
    app.selectbox(key="library.file").set_value("All files").run()
    labels = {e.label for e in app.expander}
    for rule in rulebase.rules:
        assert f"{rule.title} ({rule.id})" in labels
    text = unescape("\n".join(m.value for m in app.markdown))
    assert "Applies when" in text and "Recommends: " in text
    ids = {i for i in (*rulebase.facts, *rulebase.actions) if "_" in i}  # "advocate" is also a word
    said = [line for e in app.expander for m in e.markdown for line in unescape(m.value).split("\n")
            if not line.startswith("*")]  # the last line names the rule and its file, for authors
    assert not [w for line in said for w in ids if f" {w} " in f" {line} " or f"{w}," in line]


def test_the_library_lists_every_action(app, rulebase):
    app.switch_page("views/library.py").run()
    open_library_tab(app, "Actions")
    text = unescape("\n".join(m.value for m in app.markdown))
    for action in rulebase.actions.values():
        assert f"**{action.label}** (`{action.id}`)" in text


def test_the_library_searches_the_code_the_rules_and_the_scenarios_at_once(app, rulebase, library):
    app.switch_page("views/library.py").run()
    app.text_input(key="library.search").input("gift").run()
    tabs = [t.label for t in app.tabs]
    assert tabs[0].startswith("The Code (") and tabs[1].startswith("Rules (") and tabs[2].startswith("Scenarios (")
    counts = [int(label.rsplit("(", 1)[1].rstrip(")")) for label in tabs]
    assert all(n > 0 for n in counts[:3]), tabs
    open_library_tab(app, tabs[1])
    gift_rules = [r for r in rulebase.rules if "gift" in r.title.lower()]
    assert gift_rules and all(any(e.label == f"{r.title} ({r.id})" for e in app.expander) for r in gift_rules)
    app.text_input(key="library.search").input("zzzz nothing like this").run()
    assert any("Nothing in the library has all these words" in i.value for i in app.info)


def test_a_library_scenario_opens_its_exercise_on_the_train_page(app, library):
    app.switch_page("views/library.py").run()
    scenario = library.scenarios[3]
    open_library_tab(app, "Scenarios")
    app.button(key=f"library.train.{scenario.id}").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert [t.value for t in app.title] == ["Train"]
    assert app.selectbox(key="train.pick").value == scenario.id  # the Train page's own keys (widgets.open_exercise)
    assert any(unescape(h.value) == scenario.title for h in app.subheader)


def test_the_about_page_gives_the_rule_base_version_and_the_limits(app, advisor):
    app.switch_page("views/about.py").run()
    text = unescape("\n".join(m.value for m in app.markdown))
    assert advisor.version in text and advisor.sha256 in text
    assert "Its limits" in text and "How it decides" in text
    assert any(unescape(w.value) == engine.DISCLAIMER for w in app.warning)


@pytest.mark.parametrize("url, says", [
    ("mysql://someone@localhost/ethics", "PostgreSQL (postgresql://user@host:port/db)"),
    ("postgresql://nobody@127.0.0.1:1/none", "could not be prepared"),
])
def test_a_database_that_cannot_be_used_is_an_error_card_not_a_traceback(app, monkeypatch, url, says):
    monkeypatch.setenv("DATABASE_URL", url)
    for page in ("views/review.py", "views/feedback.py"):
        app.switch_page(page).run()
        assert not app.exception, [e.value for e in app.exception]
        [card] = app.error
        assert "Saved consultations are not available" in card.value and says in unescape(card.value)
    app.switch_page("views/consult.py").run()
    assert not app.exception  # the advice itself still works
    assert not any("not available" in e.value for e in app.error)
