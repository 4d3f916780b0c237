"""The built site in real Chromium: search, the eligibility checker, phone layout, axe-core."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from pathlib import Path

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


# Real queries as villagers type them, and the page that must come first. Over http and from
# files (a USB copy) alike; each query typed into the search page's box.
FIRST_HIT = {
    "月嫂": "huodong/jiazheng.html",
    "养老护理": "huodong/jiazheng.html",
    "养老护理员": "huodong/jiazheng.html",
    "家政": "huodong/jiazheng.html",
    "育婴员": "huodong/jiazheng.html",
    "月嫂培训哪里报名": "huodong/jiazheng.html",
    "技工学校": "zhengce/technical-school.html",
    "技校": "zhengce/technical-school.html",
    "技工院校": "zhengce/technical-school.html",
    "上技校": "zhengce/technical-school.html",
    "15万": "zhengce/startup-loan.html",
    "１５万": "zhengce/startup-loan.html",  # full-width digits from a phone keyboard
    "贷款": "zhengce/startup-loan.html",
    "创业贷款": "zhengce/startup-loan.html",
    "创业补贴": "zhengce/startup-subsidy.html",
    "1000元": "zhengce/employer-reward.html",
    "交通费": "zhengce/transport-living.html",
    "望奎": "shijianbiao/231221/index.html",
    "望奎县": "shijianbiao/231221/index.html",
    "海伦": "shijianbiao/231283/index.html",
    "食用菌": "huodong/shiyong.html",
    "草柳编": "huodong/tese.html",
    "公益大讲堂": "huodong/jiangtang.html",
    "百校行动": "huodong/baixiao.html",
}
TOP_TWO = {"以工代训": {"huodong/yigongdaixun.html", "zhengce/work-training.html"}}
NOT_FOUND = ["挖掘机", "zzzz"]


def _search_page(page, root: str, query: str | None = None):
    page.goto(root + "sousuo/index.html" + (f"?q={query}" if query else ""))


def _run_query(page, query) -> tuple[list[str], str]:
    """Type a query into the search page's box; the result pages (paths from the site root)."""
    page.fill("#search-q", query)
    page.press("#search-q", "Enter")
    page.wait_for_function(
        """q => { const s = document.getElementById('search-status').textContent;
                  return s.includes('找到')
                         && document.getElementById('search-results').dataset.query === q; }""",
        arg=query,
        timeout=15_000,
    )
    hits = page.eval_on_selector_all(
        "#search-results .search-result__title a",
        "els => els.map(e => e.href)",
    )
    return hits, page.inner_text("#search-status")


def _rel(url: str, root: str) -> str:
    assert url.startswith(root), (url, root)
    return url[len(root) :].split("#")[0]


@pytest.mark.parametrize("scheme", ["http", "file"])
def test_search_finds_whole_words_ranked(page, base_url, site, scheme):
    root = base_url if scheme == "http" else site.as_uri() + "/"
    _search_page(page, root)
    wrong = []
    for query, expected in FIRST_HIT.items():
        hits, _ = _run_query(page, query)
        rel = [_rel(h, root) for h in hits]
        if not rel or rel[0] != expected:
            wrong.append((query, expected, rel[:3]))
    for query, expected in TOP_TWO.items():
        hits, _ = _run_query(page, query)
        if {_rel(h, root) for h in hits[:2]} != expected:
            wrong.append((query, expected, hits[:3]))
    for query in NOT_FOUND:
        hits, status = _run_query(page, query)
        if hits or "没有找到" not in status:
            wrong.append((query, "nothing", hits[:3]))
    assert wrong == [], wrong


def test_search_segments_queries_keeps_words_whole_and_uses_synonyms(page, base_url):
    _search_page(page, base_url, "月嫂")
    page.wait_for_selector(".search-result")
    parse = "q => window.siteSearch.parse(q).terms"
    assert page.evaluate(parse, "月嫂") == ["月嫂"]
    assert page.evaluate(parse, "家政") == ["家政"]
    assert page.evaluate(parse, "技工学校") == ["技工学校"]
    assert page.evaluate(parse, "15万") == ["15万"]
    assert page.evaluate(parse, "月嫂培训哪里报名") == ["月嫂", "培训", "报名"]  # 哪里 dropped
    # a synonym from content/data/search.yml: 技校 finds pages that only say 技工学校/技工院校
    hits, _ = _run_query(page, "技校")
    marks = page.eval_on_selector_all("#search-results mark", "els => els.map(e => e.textContent)")
    assert hits and marks and set(marks) <= {"技校", "技工学校", "技工院校"}, marks


def test_search_index_is_loaded_only_when_a_search_starts(page, base_url):
    requested = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(base_url + "index.html")
    page.goto(base_url + "sousuo/index.html")
    page.click("#search-q")
    assert not [u for u in requested if "search/index.js" in u]
    page.fill("#search-q", "贷款")
    page.wait_for_selector(".search-result")
    assert len([u for u in requested if u.endswith("search/index.js")]) == 1
    assert "search_index.json" not in " ".join(requested)


def test_header_box_searches_from_a_deep_page_opened_as_a_file(page, site):
    page.goto((site / "shijianbiao" / "231221" / "index.html").as_uri())
    page.fill("#site-search-q", "月嫂")
    page.press("#site-search-q", "Enter")
    page.wait_for_selector(".search-result")
    assert page.url.startswith((site / "sousuo" / "index.html").as_uri())
    first = page.locator(".search-result__title a").first
    first.click()
    assert page.url.startswith((site / "huodong" / "jiazheng.html").as_uri())


def test_search_without_javascript_says_so_and_offers_the_sections(browser, base_url):
    context = browser.new_context(locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + "zhengce/index.html")
    page.fill("#site-search-q", "月嫂")
    page.press("#site-search-q", "Enter")
    page.wait_for_load_state()
    assert "sousuo/index.html?q=" in page.url
    text = page.inner_text("article")
    assert "没有打开 JavaScript" in text and "按栏目找" in text
    links = page.eval_on_selector_all("article li a", "els => els.map(e => e.href)")
    context.close()
    assert any(u.endswith("/shijianbiao/index.html") for u in links), links


def test_search_shows_hostile_text_as_text(page, base_url):
    """Titles and snippets are built with textContent: markup in page text never runs."""
    evil = '<img src=x onerror="window.pwned=1">月嫂'
    _fake_index(
        page, [{"u": "index.html", "t": evil, "b": 1, "s": [["", "<b>标题</b>", evil + "正文"]]}]
    )
    _search_page(page, base_url, "月嫂")
    page.wait_for_selector(".search-result")
    assert page.locator("#search-results img, #search-results b").count() == 0
    assert page.inner_text(".search-result__title") == evil
    assert "<b>标题</b>" in page.inner_text(".search-result__section")
    assert page.evaluate("window.pwned") is None


def _fake_index(page, docs, words=(), synonyms=(), stop=()):
    import json

    index = {
        "v": 1,
        "docs": docs,
        "words": list(words),
        "synonyms": list(synonyms),
        "stop": list(stop),
    }
    body = f"__siteSearchIndex({json.dumps(index, ensure_ascii=False)});"
    page.route(
        "**/search/index.js",
        lambda route: route.fulfill(body=body, content_type="application/javascript"),
    )


def test_search_numbers_match_whole_and_title_words_rank_first(page, base_url):
    _fake_index(
        page,
        [
            {"u": "a.html", "t": "甲", "b": 1, "s": [["", "", "最多115万元，或150000元"]]},
            {"u": "b.html", "t": "乙", "b": 1, "s": [["", "", "最高15万元贷款"]]},
            {"u": "c.html", "t": "贷款", "b": 1, "s": [["", "", "说明"]]},
        ],
        words=["贷款"],
    )
    _search_page(page, base_url)
    hits, _ = _run_query(page, "15万")
    assert [_rel(h, base_url) for h in hits] == ["b.html"]
    hits, _ = _run_query(page, "贷款")
    assert [_rel(h, base_url) for h in hits] == ["c.html", "b.html"]


def test_not_found_page_is_chinese_and_its_links_work_from_a_usb_copy(page, site):
    page.goto((site / "404.html").as_uri())
    assert page.inner_text("h1") == "没有找到这个页面"
    hrefs = page.eval_on_selector_all("article a[href]", "els => els.map(e => e.href)")
    assert len(hrefs) >= 5
    for href in hrefs:
        assert href.startswith(site.as_uri() + "/"), href
        path = href.split("#")[0][len("file://") :]
        assert Path(path).is_file(), href
    sheets = page.eval_on_selector_all(
        "link[rel=stylesheet]", "els => els.map(e => e.sheet !== null)"
    )
    assert sheets and all(sheets)


def test_not_found_page_served_for_a_deep_missing_path(browser, site):
    """A web server shows 404.html in place of any missing page: links and styles still work."""

    class NotFound(_Quiet):
        def send_error(self, code, message=None, explain=None):
            body = (site / "404.html").read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(NotFound, directory=str(site))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    root = f"http://127.0.0.1:{server.server_address[1]}/"
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(root + "shijianbiao/231221/no-such-township.html")
        assert page.inner_text("h1") == "没有找到这个页面"
        home = page.get_attribute("article a", "href")
        assert page.eval_on_selector("article a", "e => e.href") == root + "index.html", home
        header = page.eval_on_selector(".md-header", "e => getComputedStyle(e).backgroundColor")
        assert header == "rgb(163, 21, 21)"
        page.click("article a")
        assert page.url == root + "index.html" and "学门技术" in page.inner_text("h1")
    finally:
        context.close()
        server.shutdown()
        server.server_close()


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


PAGE_TYPES = [
    "index.html",  # home
    "zhengce/startup-subsidy.html",  # policy
    "huodong/jiazheng.html",  # campaign
    "shijianbiao/index.html",
    "shijianbiao/231221/index.html",  # county timetable
    "TOWNSHIP",
    "chaxun/index.html",  # checker, answered
    "jinzhan/index.html",  # progress (its table scrolls on a phone)
    "xiazai/index.html",  # downloads
    "sousuo/index.html?q=月嫂",  # search results
    "404.html",
]


@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("path", PAGE_TYPES)
def test_axe_finds_no_accessibility_violations(browser, base_url, site, path, width):
    from axe_playwright_python.sync_playwright import Axe

    if path == "TOWNSHIP":
        path = min(p.relative_to(site).as_posix() for p in site.glob("shijianbiao/*/2*.html"))
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(base_url + path)
        if path.startswith("chaxun"):
            _answer(page, poor=True, wants_training=True, business=True, business_months="-3")
        if path.startswith("sousuo"):
            page.wait_for_selector(".search-result")
        results = Axe().run(page)
    finally:
        context.close()
    bad = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
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
