"""A shared install end to end: two app processes on different ports against one PostgreSQL database,
people signing in, real browsers (Debian's chromium driven by Playwright).

- A class session with three trainees in three browser contexts, two of them on the other process:
  the trainer watches their answers arrive without reloading, reveals the answer, and each trainee
  sees it appear.
- Sign-in with two roles: a case manager saves a consultation on one process and shares it; a
  supervisor on the other process finds it; another case manager sees none of it.

Screenshots go to test-artifacts/e2e/.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

import engine
from tests.support.app_server import AS_MAKE_RUN, running_app
from tests.support.axe import serious_violations
from tests.support.users import PASSWORD, write_users

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WIDE = {"width": 1280, "height": 900}
TIMEOUT_MS = 30_000
LIVE_MS = 20_000  # the trainer's view reads the answers every 2 s; the trainee's page looks every 3 s

if not Path(CHROMIUM).exists():
    message = f"{CHROMIUM} is missing (apt-get install chromium); .ci/run installs it"
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message, allow_module_level=True)

RB = engine.load_rulebase()
SCENARIO_ID = "abuse-child-unexplained-bruises"


@pytest.fixture(scope="module")
def apps(pg_server, tmp_path_factory):
    """Two app processes (A and B) sharing one new PostgreSQL database and one users file."""
    tmp = tmp_path_factory.mktemp("shared")
    url = pg_server.create_database(f"e2e_shared_{os.getpid()}")
    env = {"DATABASE_URL": url, "NACM_ETHICS_USERS": str(write_users(tmp / "users.toml"))}
    with running_app(tmp, AS_MAKE_RUN, env, timeout=90, log_name="app-a.log") as a, \
            running_app(tmp, AS_MAKE_RUN, env, timeout=90, log_name="app-b.log") as b:
        yield a.url, b.url


@pytest.fixture(scope="module")
def browser():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def new_page(browser):
    context = browser.new_context(viewport=WIDE)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    return page


def sign_in(page, app: str, username: str) -> None:
    page.goto(app + "/")
    page.get_by_role("heading", name="Sign in", exact=True).wait_for()
    page.get_by_role("textbox", name="User name").fill(username)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Signed in as", exact=False).first.wait_for()


def go(page, title: str) -> None:
    """To another page through the navigation: a sign-in lasts as long as the browser tab's session,
    and loading a URL anew starts another one."""
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
    page.get_by_role("heading", name=title if title != "Review" else "Review saved consultations", exact=True).wait_for()


def choose(page, label: str, option: str) -> None:
    page.get_by_role("combobox", name=label).click()
    page.keyboard.type(option)
    page.get_by_role("option", name=option, exact=True).click()
    page.keyboard.press("Escape")


def join_and_answer(page, app: str, code: str, nickname: str, actions: dict[str, str]) -> None:
    """A trainee, signed in as nobody: join with the code and a nickname, answer with urgencies, send."""
    page.goto(app + "/join")
    page.get_by_role("textbox", name="Session code").fill(code.lower())
    page.get_by_role("textbox", name="Your nickname").fill(nickname)
    page.get_by_role("button", name="Join").click()
    page.get_by_text(f"You are {nickname}", exact=False).wait_for()
    choose(page, "Which commitments of the Code are at stake?", f"19. {RB.code.commitment(19).title}")
    for action_id, urgency in actions.items():
        choose(page, "Which actions would you take?", RB.actions[action_id].label)
        page.get_by_role("radiogroup", name=f"How urgent: {RB.actions[action_id].label}").get_by_text(
            urgency, exact=True).click()
    page.get_by_role("button", name="Send my answer").click()
    page.get_by_text("Your answer is in", exact=False).wait_for()


def test_a_class_of_three_on_two_processes_and_the_trainer_watching_answers_arrive(browser, apps):
    a, b = apps
    scenario = next(s for s in __import__("ui.training", fromlist=["load_library"]).load_library(
        engine.load()).scenarios if s.id == SCENARIO_ID)
    trainer = new_page(browser)
    sign_in(trainer, b, "tia")
    go(trainer, "Class sessions")
    trainer.get_by_role("textbox", name="A title for the session", exact=False).fill("Tuesday group")
    choose(trainer, "Scenarios, in the order the class works them (up to 10)", scenario.title)
    trainer.get_by_role("button", name="Open the session").click()
    heading = trainer.get_by_role("heading", name=re.compile(r"^Session [A-Z0-9]{6}: Tuesday group$"))
    heading.wait_for()
    code = re.match(r"Session ([A-Z0-9]{6})", heading.inner_text()).group(1)
    answered = trainer.get_by_text(re.compile(r"\d+ of \d+ trainee\(s\) have answered"))
    expect(answered).to_have_text(re.compile(r"^0 of 0 trainee"), timeout=LIVE_MS)

    report, supervisor = "report_to_authorities", "consult_supervisor"
    trainees = []
    for app, nickname, actions in ((a, "Kim", {report: "Now", supervisor: "Soon"}),
                                   (a, "Lee", {report: "Routine"}),
                                   (b, "Ash", {"transfer_case": "Soon"})):
        page = new_page(browser)
        join_and_answer(page, app, code, nickname, actions)
        trainees.append(page)
        # The trainer's page, never reloaded, shows each answer as it arrives (from either process).
        expect(answered).to_have_text(re.compile(rf"^{len(trainees)} of {len(trainees)} trainee"), timeout=LIVE_MS)
    assert trainer.get_by_test_id("stVegaLiteChart").count() == 2
    misses = trainer.get_by_text("Most common misses", exact=False).first
    misses.wait_for()
    expect(trainer.get_by_text(f"{RB.actions['document'].label}: missed by 3 of 3", exact=False).first).to_be_visible()
    trainer.screenshot(path=str(ARTIFACTS / "class-trainer-1280.png"), full_page=True)

    kim = trainees[0]
    expect(kim.get_by_text("(must be named)", exact=False)).to_have_count(0)
    trainer.get_by_role("button", name="Reveal the answer to the class").click()
    trainer.get_by_text("The class now sees the expected answer", exact=False).wait_for()
    for page in trainees:  # each trainee's page, never reloaded, shows the expected answer
        expect(page.get_by_text("The expected answer").first).to_be_visible(timeout=LIVE_MS)
    expect(kim.get_by_text("Urgency right").first).to_be_visible()
    lee = trainees[1]
    expect(lee.get_by_text("is expected now; you marked it routine", exact=False).first).to_be_visible()
    lee.screenshot(path=str(ARTIFACTS / "class-trainee-1280.png"), full_page=True)
    for page in [trainer, *trainees]:
        page.context.close()


def test_two_case_managers_cannot_see_each_others_records_and_a_supervisor_on_the_other_process_can(browser, apps):
    a, b = apps
    ana = new_page(browser)
    sign_in(ana, a, "ana")
    gift = RB.facts["gift_offered"]
    ana.get_by_text(next(f"{g.title}: {g.question}" for g in RB.groups if g.id == gift.group), exact=True).first.click()
    ana.get_by_role("radiogroup", name=gift.question).get_by_text("Yes", exact=True).click()
    ana.get_by_role("button", name="See the advice").click()
    ana.get_by_role("textbox", name="A short title for this consultation", exact=False).fill("A gift from a family")
    ana.keyboard.press("Enter")
    choose(ana, "Share it for review with", "Sue Supervisor")
    ana.get_by_role("button", name="Save for review").click()
    ana.get_by_text("Saved as consultation #", exact=False).wait_for()

    ben = new_page(browser)
    sign_in(ben, b, "ben")
    expect(ben.get_by_role("link", name="Class sessions")).to_have_count(0)  # not a trainer's page for him
    go(ben, "Review")
    ben.get_by_text("No consultation has been saved yet", exact=False).wait_for()
    expect(ben.get_by_text("A gift from a family")).to_have_count(0)

    sue = new_page(browser)
    sign_in(sue, b, "sue")
    go(sue, "Review")
    sue.get_by_role("heading", name="A gift from a family").wait_for()  # saved on A, found on B
    assert sue.get_by_text("saved by", exact=False).first.is_visible()
    sue.screenshot(path=str(ARTIFACTS / "shared-supervisor-review-1280.png"))
    for page in (ana, ben, sue):
        page.context.close()


@pytest.mark.parametrize("viewport", [WIDE, {"width": 390, "height": 844}], ids=["1280", "390"])
def test_the_sign_in_page_and_a_trainers_class_page_have_no_serious_accessibility_violation(browser, apps, viewport):
    a, _ = apps
    page = browser.new_context(viewport=viewport).new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(a + "/")
    page.get_by_role("heading", name="Sign in", exact=True).wait_for()
    problems = serious_violations(page, "Sign in")
    page.goto(a + "/join")
    page.get_by_role("heading", name="Join a class", exact=True).wait_for()
    problems += serious_violations(page, "Join a class, signed out")
    sign_in(page, a, "tia")
    if viewport["width"] < 640:  # the navigation is in the collapsed sidebar on a phone
        page.get_by_test_id("stExpandSidebarButton").click()
    go(page, "Class sessions")
    problems += serious_violations(page, "Class sessions, a trainer")
    assert not problems, "\n".join(problems)
    page.context.close()
