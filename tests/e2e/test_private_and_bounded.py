"""In a real browser against a real server: private by default, and bounded under hostile uploads.

* A fresh `streamlit run ui/app.py` with no flags at all (the project's .streamlit/config.toml
  decides; the port alone comes from the environment, so that tests never clash) listens on
  127.0.0.1 only, and neither the pages (every request intercepted by Playwright) nor the server
  (its sockets read from /proc) talk to any host but 127.0.0.1.
* The server itself refuses an upload over server.maxUploadSize: a real upload's request is
  replayed outside the page's own checks with a body over the limit (413), and the same request
  under the limit is accepted (204), so the refusal is the size and nothing else.
* While one session's hostile upload is refused with an error card, another session is served.
* URLs in text a person supplied are shown as text, never as links.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import sync_playwright

import engine
from tests.support.app_server import running_app, sockets_of

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 30_000
LOOPBACK = "127.0.0.1"

if not Path(CHROMIUM).exists():
    message = f"{CHROMIUM} is missing (apt-get install chromium); .ci/run installs it"
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message, allow_module_level=True)

pytestmark = pytest.mark.slow

RB = engine.load_rulebase()
ABUSE, VICTIM = RB.facts["suspected_abuse"], RB.facts["victim_group"]
PAGES = [("", "Consult"), ("whatif", "What if?"), ("review", "Review saved consultations"),
         ("train", "Train"), ("library", "Library"), ("about", "About")]


@pytest.fixture(scope="module")
def fresh_app(tmp_path_factory):
    """No flags; a HOME of its own, so no user-wide Streamlit config can change the defaults."""
    tmp = tmp_path_factory.mktemp("fresh")
    (tmp / "home").mkdir()
    with running_app(tmp, flags=[], env={"HOME": str(tmp / "home")}) as app:
        yield app


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


class Watch:
    """Every request a page makes, by host; anything not for 127.0.0.1 is recorded and aborted."""

    def __init__(self, context):
        self.outside: list[str] = []
        self.inside = 0
        context.route("**/*", self._route)
        context.on("websocket", lambda ws: self._seen(ws.url))

    def _seen(self, url: str) -> bool:
        from urllib.parse import urlsplit

        host = urlsplit(url).hostname
        if host == LOOPBACK or url.startswith(("data:", "blob:", "about:")):
            self.inside += 1
            return True
        self.outside.append(url)
        return False

    def _route(self, route) -> None:
        if self._seen(route.request.url):
            route.continue_()
        else:
            route.abort()


def new_context(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    return context


def consult_suspected_abuse(page, url: str) -> None:
    page.goto(url + "/")
    page.get_by_text("Recognise the issue").wait_for()
    page.get_by_text(next(f"{g.title}: {g.question}" for g in RB.groups if g.id == ABUSE.group), exact=True).first.click()
    page.get_by_role("radiogroup", name=ABUSE.question).get_by_text("Yes", exact=True).click()
    page.get_by_role("radiogroup", name=VICTIM.question).get_by_text(VICTIM.value_label("child"), exact=True).click()
    page.get_by_role("heading", name="Act now").wait_for()
    page.get_by_role("button", name="See the advice").click()
    page.get_by_text("Commitments that govern this situation").first.wait_for()


def open_own_file(page, url: str) -> None:
    page.goto(url + "/train")
    page.get_by_role("radiogroup", name="Scenarios from").get_by_text("A file of your own", exact=True).click()
    page.locator("input[type=file]").wait_for(state="attached")


def upload(page, name: str, data: bytes) -> None:
    page.locator("input[type=file]").set_input_files(files=[{"name": name, "mimeType": "application/yaml",
                                                             "buffer": data}])


def test_a_fresh_streamlit_run_listens_on_127_0_0_1_only(fresh_app):
    listening = [s for s in sockets_of(fresh_app.process.pid) if s[0] == "LISTEN"]
    assert listening, "the server holds no listening socket"
    assert all(address == LOOPBACK for _, address, _, _, _ in listening), listening


def test_a_fresh_app_makes_no_request_to_any_other_host(fresh_app, browser):
    context = new_context(browser)
    watch = Watch(context)
    page = context.new_page()
    for path, title in PAGES:
        page.goto(f"{fresh_app.url}/{path}")
        page.get_by_role("heading", name=title, exact=True).wait_for()
        page.wait_for_load_state("networkidle")
    consult_suspected_abuse(page, fresh_app.url)
    with page.expect_download():
        page.get_by_role("button", name="Download PDF").click()
    page.wait_for_load_state("networkidle")
    context.close()
    assert watch.inside > 10  # the interception saw the app's own traffic
    assert watch.outside == [], watch.outside
    remote = [s for s in sockets_of(fresh_app.process.pid) if s[0] != "LISTEN" and s[3] != LOOPBACK]
    assert remote == [], f"the server talks to another host: {remote}"


def test_the_server_refuses_an_upload_over_its_limit_whatever_the_page_does(fresh_app, browser):
    context = new_context(browser)
    page = context.new_page()
    open_own_file(page, fresh_app.url)
    with page.expect_request(lambda r: "/_stcore/upload_file/" in r.url and r.method == "PUT") as seen:
        upload(page, "small.yaml", b"id: small\n")
    request = seen.value
    token = request.header_value("x-xsrftoken")
    limit = 1024 * 1024  # server.maxUploadSize = 1 (MB) in .streamlit/config.toml

    def replay(size: int) -> int:
        response = context.request.put(request.url, headers={"X-Xsrftoken": token} if token else {},
                                       multipart={"file": {"name": "replayed.yaml", "mimeType": "application/yaml",
                                                           "buffer": b"#" * size}})
        return response.status

    assert replay(limit // 2) == 204  # the same request, under the limit, is taken
    assert replay(limit + 1) == 413  # over it, the server refuses it
    assert replay(50 * limit) == 413
    context.close()


def test_the_app_serves_another_session_while_a_hostile_upload_is_refused(fresh_app, browser):
    hostile = ("{" + ", ".join(f"k{i}: [x, {{a: [b]}}]" for i in range(40_000)) + "}").encode()[: 1024 * 1024 - 10]
    uploader, other = new_context(browser), new_context(browser)
    trainer, case_manager = uploader.new_page(), other.new_page()
    open_own_file(trainer, fresh_app.url)
    upload(trainer, "hostile.yaml", hostile + b"}")
    consult_suspected_abuse(case_manager, fresh_app.url)  # served meanwhile (the default timeout applies)
    card = trainer.get_by_role("alert").filter(has_text="nothing was loaded").first
    card.wait_for()
    assert "hostile.yaml" in trainer.get_by_test_id("stMarkdownContainer").filter(has_text="hostile.yaml").first.inner_text()
    uploader.close()
    other.close()


def test_urls_in_an_uploaded_scenario_are_shown_as_text_not_links(fresh_app, browser):
    scenario = {
        "id": "links", "title": "Visit https://evil.example/start or www.evil.example",
        "topic": "suspected_abuse", "level": "introductory",
        "narrative": "The parent wrote to help@evil.example and said see https://evil.example/x.",
        "facts": {"suspected_abuse": True, "victim_group": "child"},
        "expected": {"commitments": {"must": [19]}, "actions": {"report_to_authorities": "immediate"}},
        "discussion_questions": ["Is www.evil.example a source?"],
    }
    context = new_context(browser)
    watch = Watch(context)
    page = context.new_page()
    open_own_file(page, fresh_app.url)
    upload(page, "links.yaml", yaml.safe_dump(scenario, sort_keys=False).encode())
    page.get_by_text("The file is valid").wait_for()
    page.get_by_text("The parent wrote to", exact=False).first.wait_for()
    shown = page.evaluate("document.body.innerText").replace("\u2060", "")  # the invisible word joiner
    for text in ("https://evil.example/start", "or www.evil.example", "help@evil.example", "https://evil.example/x"):
        assert text in shown, text  # shown as the person wrote it...
    assert page.locator("a[href*='evil.example']").count() == 0  # ...and never as a link
    assert watch.outside == []
    context.close()
