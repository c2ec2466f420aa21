"""End to end, in a real browser: Debian's chromium driven by Playwright against `streamlit run`.

A consultation for suspected abuse (the immediate report action and the Code's text for
commitment 19 are seen), the PDF download, and one exercise; at 1280x800 and at phone width.
Every page passes an automated accessibility audit (axe-core, vendored in tests/e2e/vendor/) with
no serious or critical violation, and a consultation can be completed with the keyboard alone.
Screenshots go to test-artifacts/e2e/. Set NACM_UPDATE_SCREENSHOT=1 to refresh the README's
docs/screenshot-*.png from the run.
"""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import expect, sync_playwright

import engine
from tests.support.app_server import AS_MAKE_RUN, running_app
from tests.support.axe import serious_violations
from tests.support.older_rules import older_advisor

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WIDE, PHONE = {"width": 1280, "height": 800}, {"width": 390, "height": 844}
TIMEOUT_MS = 30_000

if not Path(CHROMIUM).exists():
    message = f"{CHROMIUM} is missing (apt-get install chromium); .ci/run installs it"
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message, allow_module_level=True)

RB = engine.load_rulebase()
ABUSE = RB.facts["suspected_abuse"]
VICTIM = RB.facts["victim_group"]
REPORT = RB.actions["report_to_authorities"]
C19 = RB.code.commitment(19)


@pytest.fixture(scope="module")
def e2e_tmp(tmp_path_factory) -> Path:
    """The app's folder for this module: its database is e2e_tmp / "consultations.sqlite3"."""
    return tmp_path_factory.mktemp("e2e")


@pytest.fixture(scope="module")
def app_url(e2e_tmp):
    with running_app(e2e_tmp, AS_MAKE_RUN) as app:  # if it does not start, the error shows its log
        yield app.url


@pytest.fixture(scope="module")
def browser():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def new_page(browser, viewport):
    context = browser.new_context(viewport=viewport, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    return page


def area_label(group_id: str) -> str:
    """An area checkbox's name, as a screen reader says it and the page shows it."""
    group = next(g for g in RB.groups if g.id == group_id)
    return f"{group.title}: {group.question}"


def choose_area(page, group_id: str) -> None:
    page.get_by_text(area_label(group_id), exact=True).first.click()
    settle(page)


def pick(page, question: str, option: str) -> None:
    """Choose an option of a radio question, and let the page's rerun finish."""
    page.get_by_role("radiogroup", name=question).get_by_text(option, exact=True).click()
    settle(page)


def consult_suspected_abuse(page, url: str) -> None:
    page.goto(url + "/")
    page.get_by_text("Recognise the issue").wait_for()
    choose_area(page, ABUSE.group)
    pick(page, ABUSE.question, "Yes")
    pick(page, VICTIM.question, VICTIM.value_label("child"))
    page.get_by_role("heading", name="Act now").wait_for()  # the report to make, before any button
    page.get_by_role("button", name="See the advice").click()
    page.get_by_text("Commitments that govern this situation").first.wait_for()


def settle(page) -> None:
    """Wait for the app's current run to end: a tab or a control that reruns the page replaces
    elements while it runs, and text typed into one being replaced can be lost."""
    page.wait_for_timeout(150)
    page.wait_for_function("(document.querySelector('[data-testid=stApp]') || {getAttribute: () => ''})"
                           ".getAttribute('data-test-script-state') !== 'running'")


def publish(artifact: str, name: str) -> None:
    """With NACM_UPDATE_SCREENSHOT=1, a screenshot of this run becomes the README's docs/<name>."""
    if os.environ.get("NACM_UPDATE_SCREENSHOT"):
        (ROOT / "docs").mkdir(exist_ok=True)
        shutil.copy(ARTIFACTS / artifact, ROOT / "docs" / name)


def scroll_to(page, anchor: str) -> None:
    page.evaluate(f"document.getElementById('{anchor}').scrollIntoView({{block: 'start'}})")
    page.wait_for_timeout(600)


def test_a_consultation_for_suspected_abuse_and_its_pdf(browser, app_url):
    page = new_page(browser, WIDE)
    consult_suspected_abuse(page, app_url)
    first_card = page.get_by_test_id("stMarkdownContainer").filter(has_text="Critical: IMMEDIATE").first
    assert REPORT.label in first_card.inner_text()  # urgency in words, with the action
    assert page.get_by_text(C19.text, exact=False).first.is_visible()
    scroll_to(page, "decide")
    page.screenshot(path=str(ARTIFACTS / "consult-report-1280.png"))
    publish("consult-report-1280.png", "screenshot-consult.png")

    page.get_by_text(C19.text, exact=False).first.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "consult-commitment-19-1280.png"))

    page.get_by_role("textbox", name="A short title for this consultation", exact=False).fill("Bruise seen at a home visit")
    page.keyboard.press("Enter")
    scroll_to(page, "document")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download PDF").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf") and "Bruise" not in download.suggested_filename
    target = ARTIFACTS / "consult-report.pdf"
    download.save_as(target)
    data = target.read_bytes()
    assert data.startswith(b"%PDF-") and len(data) > 10_000
    page.screenshot(path=str(ARTIFACTS / "consult-document-1280.png"))
    page.context.close()


def test_the_consultation_fits_a_phone(browser, app_url):
    page = new_page(browser, PHONE)
    consult_suspected_abuse(page, app_url)
    scroll_to(page, "decide")
    page.screenshot(path=str(ARTIFACTS / "consult-report-390.png"))
    publish("consult-report-390.png", "screenshot-report-phone.png")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways at phone width ({width}px)"
    card = page.get_by_test_id("stMarkdownContainer").filter(has_text="Critical: IMMEDIATE").first
    assert REPORT.label in card.inner_text()
    box = card.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    page.context.close()


def test_an_exercise_is_scored_in_the_browser(browser, app_url, tmp_path):
    scenario = {
        "id": "e2e-bruise", "title": "A bruise nobody explains", "topic": "suspected_abuse", "level": "introductory",
        "narrative": "During a home visit you see a bruise on a child's arm. The parent changes the subject.",
        "facts": {"suspected_abuse": True, "victim_group": "child"},
        "expected": {"commitments": {"must": [19]},
                     "actions": {"report_to_authorities": "immediate", "document": "routine"},
                     "must_not": ["transfer_case"]},
        "discussion_questions": ["Who must make the report, and when?"],
    }
    page = new_page(browser, WIDE)
    page.goto(app_url + "/train")
    pick(page, "Scenarios from", "A file of your own")
    page.locator("input[type=file]").set_input_files(files=[{
        "name": "e2e-bruise.yaml", "mimeType": "application/yaml",
        "buffer": yaml.safe_dump(scenario, sort_keys=False).encode("utf-8")}])
    page.get_by_text("The file is valid").wait_for()
    for label, option in [("Which commitments of the Code are at stake?", f"19. {C19.title}"),
                          ("Which actions would you take?", REPORT.label),
                          ("Which actions would you take?", RB.actions["transfer_case"].label)]:
        page.get_by_role("combobox", name=label).click()
        page.keyboard.type(option)
        page.get_by_role("option", name=option, exact=True).click()
        page.keyboard.press("Escape")
    # The trainee marks how urgent each chosen action is.
    for action_label, urgency in [(REPORT.label, "Now"), (RB.actions["transfer_case"].label, "Soon")]:
        group = page.get_by_role("radiogroup", name=f"How urgent: {action_label}")
        radio = group.get_by_role("radio", name=urgency, exact=True)
        # The choice is the app's only once its rerun has drawn it checked; a click that lands
        # while an earlier rerun redraws the group is lost (seen on a busy machine in CI), so the
        # page is let settle first and the click is made again if it did not take.
        for _ in range(3):
            settle(page)
            group.get_by_text(urgency, exact=True).click()
            settle(page)
            if radio.is_checked():
                break
        expect(radio).to_be_checked()
    page.get_by_role("button", name="Submit my answer").click()
    page.get_by_text("Your result").wait_for()
    metric_values = page.get_by_test_id("stMetricValue")
    metric_values.nth(2).wait_for()
    values = [v.strip() for v in metric_values.all_inner_texts()]
    assert values == ["2 of 3", "1", "1 of 1"]  # 2 of 3 expected, 1 extra, the report's urgency right
    assert page.get_by_text("2 of 3 expected, 1 extra (defensible?)", exact=False).first.is_visible()
    assert page.get_by_text("Points: 3 of 5.").is_visible()
    must_not = page.get_by_role("alert").filter(has_text="Must not:").first
    assert RB.actions["transfer_case"].label in must_not.inner_text()
    page.get_by_text("Your result").evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(600)
    page.screenshot(path=str(ARTIFACTS / "exercise-result-1280.png"))
    page.get_by_text("Who must make the report, and when?").wait_for()
    page.context.close()


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1280x800", "390px"])
def test_every_page_fits_the_screen(browser, app_url, viewport):
    page = new_page(browser, viewport)
    for path, title in [("", "Consult"), ("whatif", "What if?"), ("review", "Review saved consultations"),
                        ("train", "Train"), ("library", "Library"), ("about", "About")]:
        page.goto(f"{app_url}/{path}")
        page.get_by_role("heading", name=title, exact=True).wait_for()
        page.wait_for_timeout(500)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"/{path} scrolls sideways at {viewport['width']}px ({width}px)"
        page.screenshot(path=str(ARTIFACTS / f"page-{path or 'consult'}-{viewport['width']}.png"))
    page.context.close()


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1280", "390"])
def test_the_emergency_line_is_on_first_paint_and_danger_shows_the_call_at_once(browser, app_url, viewport):
    page = new_page(browser, viewport)
    page.goto(app_url + "/")
    line = page.get_by_text("If someone may be in danger, call emergency services now", exact=False).first
    line.wait_for()
    assert line.is_visible() and line.bounding_box()["y"] < viewport["height"]
    page.wait_for_timeout(500)
    page.screenshot(path=str(ARTIFACTS / f"consult-top-{viewport['width']}.png"))
    if viewport == PHONE:
        publish("consult-top-390.png", "screenshot-consult-phone.png")
    danger = RB.facts["imminent_danger"]
    choose_area(page, danger.group)
    pick(page, danger.question, "Yes")
    page.get_by_role("heading", name="Act now").wait_for()  # no button pressed
    page.get_by_text(RB.actions["emergency_response"].label).first.wait_for()  # visible, once drawn (under load, a moment after the heading)
    assert page.get_by_role("button", name="See the advice").count() == 1  # still not pressed
    page.context.close()


def test_a_consultation_is_saved_found_discussed_and_exported_as_a_record(browser, app_url):
    """The supervision path: save from Consult, find it on Review, record a note, the status and the
    decision, and download the whole record."""
    page = new_page(browser, WIDE)
    consult_suspected_abuse(page, app_url)
    title = "Bruise seen at a school pick-up"
    page.get_by_role("textbox", name="A short title for this consultation", exact=False).fill(title)
    page.keyboard.press("Enter")
    page.get_by_role("textbox", name="Your name or role", exact=False).fill("Case manager")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Save for review").click()
    page.get_by_text("Saved as consultation #", exact=False).wait_for()

    page.goto(app_url + "/review")
    page.get_by_role("textbox", name="Your name or role", exact=False).fill("Supervisor")
    page.keyboard.press("Enter")
    page.get_by_role("textbox", name="Words in the title, decision or outcome").fill("school pick-up")
    page.keyboard.press("Enter")
    page.get_by_text("1 of", exact=False).wait_for()
    page.get_by_role("heading", name=title).wait_for()
    assert page.get_by_text("saved by", exact=False).first.is_visible()

    page.get_by_role("tab", name="Notes (0)").click()
    settle(page)
    page.get_by_role("textbox", name="Add a note from supervision", exact=False).fill("Report made within the hour.")
    page.get_by_role("button", name="Add note").click()
    page.get_by_role("tab", name="Notes (1)").wait_for()
    page.get_by_role("tab", name="Notes (1)").click()
    settle(page)
    page.get_by_role("paragraph").filter(has_text="Report made within the hour.").first.wait_for()
    assert page.get_by_text("Supervisor, 20", exact=False).first.is_visible()

    page.get_by_role("tab", name="Decision and status").click()
    settle(page)
    page.get_by_role("radiogroup", name="Status").get_by_text("Discussed (talked through in supervision)").click()
    page.get_by_role("textbox", name="Decision taken", exact=True).fill("Report confirmed; follow up next week.")
    page.get_by_role("textbox", name="Outcome", exact=True).click()  # leaves the decision field, which commits it
    page.get_by_role("button", name="Save the record").click()
    page.get_by_text("The record of consultation #", exact=False).wait_for()
    page.get_by_role("tab", name="Decision and status").click()
    settle(page)
    page.screenshot(path=str(ARTIFACTS / "review-record-1280.png"))

    page.get_by_role("tab", name="Feedback on the advice (0)").click()
    settle(page)
    # The first action of the report is the report to protective services (tested above).
    page.get_by_role("radiogroup", name="Judgement").first.get_by_text("Done", exact=True).click()
    page.get_by_role("button", name="Save the feedback").click()
    page.get_by_text("The feedback on consultation #", exact=False).wait_for()
    page.get_by_role("tab", name="Feedback on the advice (1)").wait_for()

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the record (Markdown)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("supervision-record-") and "school" not in download.suggested_filename
    target = ARTIFACTS / "supervision-record.md"
    download.save_as(target)
    text = target.read_text(encoding="utf-8")
    for expected in ("Saved by Case manager", "Status: Discussed", "Report confirmed; follow up next week.",
                     "Supervisor, 20", "Report made within the hour.", REPORT.label):
        assert expected in text, expected
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the record (PDF)").click()
    target = ARTIFACTS / "supervision-record.pdf"
    download_info.value.save_as(target)
    assert target.read_bytes().startswith(b"%PDF-")
    page.context.close()


def test_a_consultation_saved_under_older_rules_shows_what_changed(browser, app_url, e2e_tmp, tmp_path):
    """Re-run against today's rules: a consultation saved when the rule base had one more rule."""
    from ui.storage import Store

    older = older_advisor(tmp_path)
    facts = {"suspected_abuse": True, "victim_group": "child"}
    store = Store(e2e_tmp / "consultations.sqlite3")
    consultation_id = store.save("Saved under the older rules", facts, older.version, older.sha256,
                                 author="Case manager", report=older.evaluate(facts).to_dict())
    store.close()
    page = new_page(browser, WIDE)
    page.goto(app_url + "/review")
    page.get_by_role("textbox", name="Words in the title, decision or outcome").fill("older rules")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Saved under the older rules").wait_for()
    page.get_by_text("The rules have changed since this was saved", exact=False).first.wait_for()
    page.get_by_role("tab", name="What changed (!)").click()
    settle(page)
    removed = page.get_by_text(RB.actions["self_care"].label, exact=False).first
    removed.wait_for()
    panel = page.get_by_role("tabpanel").filter(has=removed).first
    assert "REMOVED" in panel.inner_text() and "26." in panel.inner_text()
    page.screenshot(path=str(ARTIFACTS / "review-what-changed-1280.png"))
    assert f"#{consultation_id}" in page.get_by_text("Consultation #", exact=False).first.inner_text()
    page.context.close()


def selected_tab(page) -> str:
    return page.locator("[role=tab][aria-selected=true]").first.inner_text().strip()


def test_adding_editing_and_deleting_a_note_stays_on_the_notes_tab(browser, app_url, e2e_tmp):
    from ui.storage import Store

    advisor = engine.load()
    facts = {"suspected_abuse": True, "victim_group": "child"}
    store = Store(e2e_tmp / "consultations.sqlite3")
    store.save("Notes stay open", facts, advisor.version, advisor.sha256, author="Case manager",
               report=advisor.evaluate(facts).to_dict())
    store.close()
    page = new_page(browser, WIDE)
    page.goto(app_url + "/review")
    page.get_by_role("textbox", name="Your name or role", exact=False).fill("Supervisor")
    page.keyboard.press("Enter")
    page.get_by_role("textbox", name="Words in the title, decision or outcome").fill("Notes stay open")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Notes stay open").wait_for()
    page.get_by_role("tab", name="Notes (0)").click()
    settle(page)
    page.get_by_role("textbox", name="Add a note from supervision", exact=False).fill("First wording.")
    page.get_by_role("button", name="Add note").click()
    page.get_by_role("tab", name="Notes (1)").wait_for()
    page.get_by_role("paragraph").filter(has_text="First wording.").first.wait_for()
    assert selected_tab(page) == "Notes (1)"  # not sent back to the Report tab

    page.get_by_text("Edit or delete your note").click()
    page.get_by_role("textbox", name="Your note", exact=True).fill("Second wording.")
    page.get_by_role("button", name="Save the edit").click()
    page.get_by_text("Your note was changed", exact=False).wait_for()
    settle(page)
    assert selected_tab(page) == "Notes (1)"
    settle(page)
    page.get_by_test_id("stMarkdownContainer").filter(has_text="Second wording.").first.wait_for()

    page.get_by_text("Edit or delete your note").click()
    page.get_by_text("Delete it for good").click()
    page.get_by_role("button", name="Delete the note").click()
    page.get_by_role("tab", name="Notes (0)").wait_for()
    page.get_by_text("Your note was deleted for good", exact=False).wait_for()
    assert selected_tab(page) == "Notes (0)"
    assert page.get_by_text("No notes yet.").is_visible()
    page.context.close()


def test_a_what_if_with_two_changed_facts_explains_each_change_beside_the_form(browser, app_url):
    page = new_page(browser, WIDE)
    consult_suspected_abuse(page, app_url)
    page.get_by_role("button", name="Ask “what if?”").click()
    result = page.get_by_role("heading", name="What changes")
    result.wait_for()
    danger, victim = RB.facts["imminent_danger"], RB.facts["victim_group"]
    pick(page, danger.question, "Yes")
    page.get_by_text(f"Because {danger.label}: not sure → yes.").wait_for()
    pick(page, VICTIM.question, victim.value_label("other_adult"))
    by_victim = page.get_by_test_id("stMarkdownContainer").filter(
        has_text=f"Because {victim.label}: {victim.value_label('child')} → {victim.value_label('other_adult')}.")
    by_victim.first.wait_for()
    assert REPORT.label in by_victim.first.inner_text()  # the report to make goes because of who may be harmed
    by_danger = page.get_by_test_id("stMarkdownContainer").filter(has_text=f"Because {danger.label}: not sure → yes.").first
    text = by_danger.inner_text()
    assert RB.actions["emergency_response"].label in text and REPORT.label not in text
    assert "Rule safety.imminent_danger" in text
    # Beside the form, and still in view after the form is scrolled.
    form = page.get_by_role("heading", name="Change the facts").bounding_box()
    assert result.bounding_box()["x"] > form["x"] + form["width"] / 2
    page.mouse.move(form["x"] + 10, 400)
    page.mouse.wheel(0, 900)
    page.wait_for_timeout(500)
    assert page.get_by_role("heading", name="Change the facts").bounding_box()["y"] < -400  # scrolled well past it
    box = result.bounding_box()
    assert 0 <= box["y"] < WIDE["height"], "the result scrolled out of view with the form"
    page.screenshot(path=str(ARTIFACTS / "whatif-two-facts-1280.png"))
    page.context.close()


# --- accessibility ------------------------------------------------------------------------------

def open_some(page, count: int) -> None:
    """Open the first few folded sections, so that what they hold is audited too."""
    for summary in page.locator("[data-testid=stExpander] summary").all()[:count]:
        summary.click()


@pytest.fixture(scope="module")
def reviewed(e2e_tmp):
    """A saved consultation with a note and feedback, so that Review and Advice feedback have content."""
    from ui.storage import Store

    advisor = engine.load()
    facts = {"suspected_abuse": True, "victim_group": "child"}
    store = Store(e2e_tmp / "consultations.sqlite3")
    consultation_id = store.save("Audited consultation", facts, advisor.version, advisor.sha256,
                                 author="Case manager", report=advisor.evaluate(facts).to_dict())
    store.add_note(consultation_id, "Discussed; see https://example.org/policy", author="Supervisor")
    store.set_feedback(consultation_id, "document", "not_applicable", "Supervisor", reason="Done already",
                       rules=("abuse.suspected",))
    store.close()
    return consultation_id


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1280", "390"])
def test_no_page_has_a_serious_or_critical_accessibility_violation(browser, app_url, reviewed, viewport):
    page = new_page(browser, viewport)
    problems: list[str] = []
    danger = RB.facts["imminent_danger"]
    page.goto(app_url + "/")
    page.get_by_text("Recognise the issue").wait_for()
    problems += serious_violations(page, "Consult, first paint")
    choose_area(page, ABUSE.group)
    pick(page, ABUSE.question, "Yes")
    pick(page, danger.question, "Yes")
    page.get_by_role("heading", name="Act now").wait_for()
    problems += serious_violations(page, "Consult, act now")
    page.get_by_role("button", name="See the advice").click()
    page.get_by_text("Commitments that govern this situation").first.wait_for()
    open_some(page, 4)
    problems += serious_violations(page, "Consult, the advice")

    page.get_by_role("button", name="Ask “what if?”").click()
    page.get_by_role("heading", name="What changes").wait_for()
    pick(page, danger.question, "No")
    page.get_by_text("Advice changed").wait_for()
    problems += serious_violations(page, "What if, a change")

    page.goto(app_url + "/review")
    page.get_by_role("textbox", name="Words in the title, decision or outcome").fill("Audited consultation")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Audited consultation").wait_for()
    for tab in page.get_by_role("tab").all():
        name = tab.inner_text().strip()
        tab.click()
        settle(page)
        problems += serious_violations(page, f"Review, {name}")

    for path, title in [("feedback", "Advice feedback"), ("library", "Library"), ("train", "Train"),
                        ("classes", "Class sessions"), ("join", "Join a class"), ("about", "About")]:
        page.goto(f"{app_url}/{path}")
        page.get_by_role("heading", name=title, exact=True).wait_for()
        open_some(page, 3)
        problems += serious_violations(page, title)
        if path == "library":
            for tab in page.get_by_role("tab").all()[1:]:
                tab.click()
                settle(page)
                problems += serious_violations(page, f"Library, {tab.inner_text().strip()}")
        if path == "train":
            submit = page.get_by_role("button", name=re.compile("^Submit"))
            if submit.count():
                submit.first.click()
                page.wait_for_timeout(1500)
                problems += serious_violations(page, "Train, a result")
    assert not problems, "\n".join(problems)
    page.context.close()


ACTIVE = """() => { const e = document.activeElement;
    return {tag: e.tagName, name: e.getAttribute("aria-label") || "", id: e.id || "",
            group: (e.closest("[role=radiogroup]") || {}).ariaLabel || "", text: (e.innerText || "").trim()}; }"""


def tab_to(page, reached, limit: int = 300) -> dict:
    """Press Tab until the focused element is the one wanted (as a keyboard user would)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        active = page.evaluate(ACTIVE)
        if reached(active):
            return active
    raise AssertionError(f"the keyboard never reached it in {limit} presses of Tab")


def test_a_consultation_is_completed_with_the_keyboard_alone_and_the_advice_is_announced(browser, app_url):
    """Tab moves between controls, Space ticks a box, the arrow keys choose within a radio group (the
    standard keyboard pattern of a radio group), Enter presses a button; no mouse."""
    page = new_page(browser, WIDE)
    page.goto(app_url + "/")
    page.get_by_text("Recognise the issue").wait_for()
    tab_to(page, lambda a: a["name"] == area_label(ABUSE.group))
    page.keyboard.press("Space")
    page.get_by_role("radiogroup", name=ABUSE.question).wait_for()
    tab_to(page, lambda a: a["group"] == ABUSE.question)  # on its checked option, "Not sure"
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")  # "Yes"
    page.get_by_role("radiogroup", name=VICTIM.question).wait_for()
    tab_to(page, lambda a: a["group"] == VICTIM.question)
    options = [*VICTIM.value_ids, "not sure"]
    for _ in range(len(options) - 1 - VICTIM.value_ids.index("child")):
        page.keyboard.press("ArrowUp")
    page.get_by_role("heading", name="Act now").wait_for()
    page.screenshot(path=str(ARTIFACTS / "keyboard-focus-1280.png"))
    tab_to(page, lambda a: a["tag"] == "BUTTON" and a["text"].endswith("See the advice"))
    page.keyboard.press("Enter")
    page.get_by_text("Commitments that govern this situation").first.wait_for()
    page.wait_for_function("document.activeElement && document.activeElement.id === 'decide'")
    live = page.locator("#nacm-live[role=status][aria-live=polite]")
    page.wait_for_function("(document.getElementById('nacm-live') || {}).textContent"
                           " && document.getElementById('nacm-live').textContent.includes('Act now')")
    assert live.inner_text() == f"The advice is ready. Act now: {REPORT.label}."
    first_card = page.get_by_test_id("stMarkdownContainer").filter(has_text="Critical: IMMEDIATE").first
    assert REPORT.label in first_card.inner_text()
    page.context.close()


def test_keyboard_focus_is_visible_on_a_radio_option(browser, app_url):
    page = new_page(browser, WIDE)
    page.goto(app_url + "/")
    page.get_by_text("Recognise the issue").wait_for()
    tab_to(page, lambda a: a["name"] == area_label(ABUSE.group))
    page.keyboard.press("Space")
    page.get_by_role("radiogroup", name=ABUSE.question).wait_for()
    tab_to(page, lambda a: a["group"] == ABUSE.question)
    ring = page.evaluate("""() => { const label = document.activeElement.closest("label");
        const s = getComputedStyle(label); return [s.outlineStyle, s.outlineWidth, s.outlineColor]; }""")
    assert ring == ["solid", "3px", "rgb(29, 78, 216)"], ring
    page.context.close()


def test_accessible_names_carry_no_markup(browser, app_url):
    """What a screen reader says for each control of the intake: no **, no backslash, no arrow."""
    page = new_page(browser, WIDE)
    page.goto(app_url + "/")
    page.get_by_text("Recognise the issue").wait_for()
    for group in RB.groups:
        choose_area(page, group.id)
        page.wait_for_timeout(300)
    page.get_by_role("heading", name=next(g.title for g in RB.groups if g.id == RB.groups[-1].id)).wait_for()
    names = page.evaluate("""() => [...document.querySelectorAll("[aria-label]")].map(e => e.getAttribute("aria-label"))""")
    assert len(names) > 50
    bad = [n for n in names if re.search(r"\\|\*\*|↳", n)]
    assert not bad, bad[:5]
    levels = page.evaluate("""() => [...document.querySelectorAll("main h1, main h2, main h3, main h4, main h5, main h6")]
        .map(h => Number(h.tagName[1]))""")
    assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:])), levels  # no level skipped
    page.context.close()


def test_an_over_long_paste_is_cut_with_a_message_and_a_typed_address_is_not_a_link(browser, app_url, reviewed):
    from ui.storage import TITLE_MAX

    page = new_page(browser, WIDE)
    consult_suspected_abuse(page, app_url)
    title = page.get_by_role("textbox", name="A short title for this consultation", exact=False)
    title.click()
    page.keyboard.insert_text("t" * (TITLE_MAX + 5))  # as a paste arrives
    page.keyboard.press("Enter")
    page.get_by_text(f"had {TITLE_MAX + 5:,} characters", exact=False).wait_for()
    assert title.input_value() == "t" * TITLE_MAX  # cut, not emptied

    page.goto(app_url + "/review")
    page.get_by_role("textbox", name="Words in the title, decision or outcome").fill("Audited consultation")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Audited consultation").wait_for()
    page.get_by_role("tab", name="Notes (1)").click()
    settle(page)
    note = page.get_by_text("example.org/policy", exact=False).first
    note.wait_for()
    assert page.locator("[data-testid=stMain] a[href*='example.org']").count() == 0
    assert "https://example.org/policy" in note.inner_text().replace("\u2060", "")
    page.context.close()
