"""The built site in real Chromium: search, the eligibility checker, phone layout, axe-core."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading

import pytest

from portal import clock
from portal import db as database
from portal.sitebuild import build_site, checker
from tests.checker_personas import PERSONAS
from tests.test_checker_rules import outcome_summary as checker_summary

pytestmark = pytest.mark.browser


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site(demo_template, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("browser-site")
    db_file = tmp / "demo.db"
    shutil.copy(demo_template, db_file)
    db = database.connect(db_file)
    build_site(db, out=tmp / "site", work=tmp / "docs")
    db.conn.close()
    return tmp / "site"


@pytest.fixture(scope="module")
def base_url(site):
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def _search(page, base_url, query) -> list[str]:
    page.goto(base_url + "index.html")
    box = page.locator("input.md-search__input")
    box.click()
    box.fill(query)
    box.press("End")  # Material searches on key events
    page.wait_for_selector(".md-search-result__item > a", timeout=15_000)
    return page.eval_on_selector_all(
        ".md-search-result__item > a", "els => els.map(e => new URL(e.href).pathname)"
    )


def test_search_finds_jiazheng_campaign(page, base_url):
    hits = _search(page, base_url, "家政")
    assert hits[0] == "/huodong/jiazheng.html", hits[:5]


def test_search_finds_yigongdaixun_pages(page, base_url):
    hits = _search(page, base_url, "以工代训")
    assert set(hits[:2]) == {"/huodong/yigongdaixun.html", "/zhengce/work-training.html"}, hits


def _answer(page, **answers):
    """Answer as a visitor would: click the radios, type the numbers; then submit."""
    for key, value in answers.items():
        if isinstance(value, bool):
            page.check(f'input[name="{key}"][value="{"yes" if value else "no"}"]')
        elif page.locator(f'input[name="{key}"][type=radio]').count():
            page.check(f'input[name="{key}"][value="{value}"]')
        else:
            box = page.locator(f'input[name="{key}"]')
            if box.is_visible():
                box.fill(str(value))
    page.click("#checker-form button[type=submit]")


def _results(page, heading: str) -> list[str]:
    return page.eval_on_selector_all(
        f"#{heading} + ul > li.policy-result", "els => els.map(e => e.dataset.policy)"
    )


def _shown(page):
    """What the page shows, in the persona table's form."""
    results = page.eval_on_selector_all(
        "li.policy-result",
        "els => els.map(e => [e.dataset.policy, e.dataset.when, e.dataset.total ?? null])",
    )
    refused = page.eval_on_selector_all(
        "li.policy-refused", "els => els.map(e => e.dataset.policy)"
    )
    errors = page.locator("#checker-errors li").count()
    return ([(k, w, None if t is None else int(t)) for k, w, t in results], refused, errors)


@pytest.mark.parametrize("name,answers,expected", PERSONAS, ids=[p[0] for p in PERSONAS])
def test_checker_persona_in_chromium(page, base_url, name, answers, expected):
    """Each persona typed into the page gives what the table and the Python rules give."""
    page.goto(base_url + "chaxun/index.html")
    _answer(page, **answers)
    assert _shown(page) == expected
    payload = checker.data(clock.today())
    assert checker_summary(checker.evaluate(payload, answers)) == expected
    if expected[2]:
        assert page.locator("#checker-errors[role=alert]").is_visible()
        assert page.locator("li.policy-result").count() == 0


def test_checker_hides_follow_up_questions(page, base_url):
    page.goto(base_url + "chaxun/index.html")
    assert page.locator("#q-business_months").is_hidden()
    assert page.locator("#q-child_count").is_hidden()
    page.check('input[name="business"][value="yes"]')
    assert page.locator("#q-business_months").is_visible()
    assert page.locator("#q-business_kind").is_visible()
    page.check('input[name="child_school"][value="wants"]')
    assert page.locator("#q-child_count").is_hidden()
    page.check('input[name="child_school"][value="attending"]')
    assert page.locator("#q-child_count").is_visible()


def test_checker_shows_totals_and_who_is_paid(page, base_url):
    page.goto(base_url + "chaxun/index.html")
    _answer(
        page,
        employer=True,
        employer_kind="coop",
        hired_count="3",
        stable_count="3",
        hired_months="2",
    )
    card = page.inner_text('li[data-policy="employer_reward"]')
    assert "3人 × 1000元 = 3000元" in card and "发给您（招人的单位）" in card
    assert "绥人社发〔2019〕18号" in card


def test_checker_works_from_a_folder_without_a_server(page, site):
    page.goto((site / "chaxun" / "index.html").as_uri())
    _answer(page, poor=True, wants_training=True)
    assert _results(page, "result-now") == ["free_training", "transport_living"]


@pytest.mark.parametrize(
    "path", ["shijianbiao/index.html", "shijianbiao/231221/index.html", "TOWNSHIP"]
)
def test_timetable_fits_a_390px_phone(browser, base_url, site, path):
    if path == "TOWNSHIP":
        path = min(p.relative_to(site).as_posix() for p in site.glob("shijianbiao/*/2*.html"))
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    page.goto(base_url + path)
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    context.close()
    assert widths[0] <= widths[1], (path, widths)


@pytest.mark.parametrize(
    "path",
    ["index.html", "zhengce/startup-subsidy.html", "TOWNSHIP", "chaxun/index.html"],
)
def test_no_serious_accessibility_violations(page, base_url, site, path):
    from axe_playwright_python.sync_playwright import Axe

    if path == "TOWNSHIP":
        path = min(p.relative_to(site).as_posix() for p in site.glob("shijianbiao/*/2*.html"))
    page.goto(base_url + path)
    if path.startswith("chaxun"):
        _answer(page, poor=True, wants_training=True, business=True, business_months="-3")
    results = Axe().run(page)
    bad = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == [], bad


def test_print_layout_drops_navigation_and_the_form(page, base_url):
    page.goto(base_url + "chaxun/index.html")
    page.emulate_media(media="print")
    hidden = page.evaluate(
        """() => ['.md-header', '.md-sidebar--primary', '#checker-form'].map(
            s => getComputedStyle(document.querySelector(s)).display)"""
    )
    assert hidden == ["none", "none", "none"]
    assert page.locator("article").is_visible()
