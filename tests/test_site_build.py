"""The public site built for real (MkDocs strict) from a demo copy and from an empty database."""

from __future__ import annotations

import gzip
import json
import re
import shutil
import subprocess
import sys
import types
from pathlib import Path

import pytest

from portal import areas, catalogue, demo, policies
from portal import db as database
from portal.db import transaction
from portal.errors import UserError
from portal.sitebuild import (
    address,
    build_site,
    checker,
    downloads,
    linkcheck,
    paths,
    policy_pages,
    render,
    search_index,
    sitemap,
)
from portal.sitebuild.context import policy_slug, site_context

ROOT = Path(__file__).resolve().parent.parent
HOSTILE_TOWN = "<img src=x onerror=alert(1)>镇"
HOSTILE_ADDRESS = '<script>alert("x")</script>[点我](javascript:alert(1)) \u202e反向\u0007 😀'


def _add_hostile_session(db) -> int:
    """A published session whose stored texts try HTML, Markdown and bidi tricks."""
    with transaction(db):
        town = areas.ensure_child(db, "231221", HOSTILE_TOWN, "township")
        inst = next(iter(db.query("SELECT id FROM institutions ORDER BY id LIMIT 1")))["id"]
        return db.execute(
            "INSERT INTO sessions (institution_id, course_code, county_code, township_code, "
            "address, mode, day_part, start_date, end_date, daily_start, daily_end, class_hours, "
            "capacity, trainer, contact_phone, status, created_at, created_by, updated_at, "
            "updated_by) VALUES (?, 'jz-yuesao', '231221', ?, ?, '集中', '全日', '2019-10-08', "
            "'2019-10-19', '08:30', '16:30', 96, 30, '不该公开的讲师', '0455-1234567', "
            "'published', 'x', 't', 'x', 't')",
            [inst, town, HOSTILE_ADDRESS],
        ).lastrowid


def _add_ended_session(db) -> int:
    """A published session that ended before the demo's build date (demo.AS_OF)."""
    with transaction(db):
        row = next(iter(db.query("SELECT * FROM sessions WHERE status = 'published' LIMIT 1")))
        row.pop("id")
        row.update(start_date="2019-05-06", end_date="2019-05-10", contact_phone="0455-7654321")
        cols = ", ".join(row)
        return db.execute(
            f"INSERT INTO sessions ({cols}) VALUES ({', '.join('?' * len(row))})",
            list(row.values()),
        ).lastrowid


@pytest.fixture(scope="module")
def demo_site(demo_template, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("demo-site")
    db_file = tmp / "demo.db"
    shutil.copy(demo_template, db_file)
    db = database.connect(db_file)
    hostile_id = _add_hostile_session(db)
    ended_id = _add_ended_session(db)
    report = build_site(db, out=tmp / "site", work=tmp / "docs")
    db.conn.close()
    return types.SimpleNamespace(
        report=report,
        site=tmp / "site",
        db_file=db_file,
        hostile_id=hostile_id,
        ended_id=ended_id,
    )


@pytest.fixture(scope="module")
def empty_site(tmp_path_factory):
    """Built by the CLI from another working directory, as an operator would run it."""
    tmp = tmp_path_factory.mktemp("empty-site")
    elsewhere = tmp / "elsewhere"
    elsewhere.mkdir()
    result = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "site", "--db", "e.db", "--out", "out"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return types.SimpleNamespace(site=elsewhere / "out", output=result.stdout)


def _read(site: Path, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


def _text(html: str) -> str:
    """Visible text only, so that assertions do not match inside attributes."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


EXPECTED_PAGES = [
    "index.html",
    "zhengce/index.html",
    "huodong/index.html",
    "shijianbiao/index.html",
    "chaxun/index.html",
    "jinzhan/index.html",
    "xiazai/index.html",
    "wenti/index.html",
    "lianxi/index.html",
    *(f"zhengce/{policy_slug(p.key)}.html" for p in policies.policies()),
    *(f"huodong/{c['code']}.html" for c in catalogue.campaigns()),
    *(f"shijianbiao/{c['code']}/index.html" for c in catalogue.counties()),
]


def test_every_section_page_exists_with_title_description_and_date(demo_site):
    for rel in EXPECTED_PAGES:
        html = _read(demo_site.site, rel)
        title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
        assert title.strip() and "绥化" in title, rel
        desc = re.search(r'<meta name="description" content="([^"]*)"', html).group(1)
        assert len(desc) >= 10, rel
        assert "本页更新日期" in html, rel
        assert '<html lang="zh' in html, rel
    assert demo_site.report.pages >= len(EXPECTED_PAGES)


def test_policy_pages_show_amounts_from_the_rates_data(demo_site):
    for p in policies.policies():
        text = _text(_read(demo_site.site, f"zhengce/{policy_slug(p.key)}.html"))
        assert p.document in text
        for line in p.amounts:
            assert line.amount in text, (p.key, line.amount)
    expected = {
        "startup-loan": catalogue.yuan(catalogue.rate("startup_loan").cap),
        "technical-school": catalogue.yuan(catalogue.rate("school_household_grant").amount),
        "startup-subsidy": catalogue.yuan(catalogue.rate("startup_subsidy_enterprise").amount),
        "employer-reward": catalogue.yuan(catalogue.rate("employer_reward").amount),
    }
    for slug, amount in expected.items():
        assert amount in _text(_read(demo_site.site, f"zhengce/{slug}.html")), slug
    sole = catalogue.yuan(catalogue.rate("startup_subsidy_sole").amount)
    assert sole in _text(_read(demo_site.site, "zhengce/startup-subsidy.html"))
    # The plan leaves the training subsidy to other documents: the page names them, no number.
    free = _text(_read(demo_site.site, "zhengce/free-training.html"))
    assert "绥财联发〔2018〕49号" in free and "规定标准执行" in free


def test_amounts_follow_the_rates_file(tmp_path, monkeypatch):
    """Change a rate and the generated page changes: nothing is typed in Markdown."""
    original = catalogue.rates

    def changed():
        return [
            r if r.key != "startup_loan" else r.__class__(**{**r.__dict__, "cap": 200000})
            for r in original()
        ]

    monkeypatch.setattr(catalogue, "rates", changed)
    context = site_context(catalogue.plan()["document"]["date"], False)
    policy_pages.write(tmp_path, render.environment(), context)
    page = (tmp_path / "zhengce" / "startup-loan.md").read_text(encoding="utf-8")
    assert '<span class="amount">最高20万元</span>' in page
    assert '<span class="amount">最高15万元</span>' not in page


def _published(db_file):
    db = database.connect(db_file)
    rows = list(
        db.query(
            "SELECT s.id, s.county_code, s.township_code, s.contact_phone, s.status, s.end_date, "
            "i.name AS inst "
            "FROM sessions s JOIN institutions i ON i.id = s.institution_id"
        )
    )
    db.conn.close()
    return rows


def test_timetable_lists_every_published_session_and_nothing_else(demo_site):
    rows = _published(demo_site.db_file)
    site = demo_site.site
    all_html = "".join(p.read_text(encoding="utf-8") for p in site.rglob("*.html"))
    for r in rows:
        anchor = f'id="ban-{r["id"]}"'
        if r["status"] != "published" or r["end_date"] < demo.AS_OF.isoformat():
            assert anchor not in all_html, r
            continue
        page = _read(site, f"shijianbiao/{r['county_code']}/{r['township_code']}.html")
        assert anchor in page
        assert r["contact_phone"] in page and r["inst"] in page
    published = [
        r for r in rows if r["status"] == "published" and r["end_date"] >= demo.AS_OF.isoformat()
    ]
    assert demo_site.ended_id in {r["id"] for r in rows} - {r["id"] for r in published}
    index = _text(_read(site, "shijianbiao/index.html"))
    assert f"全市已公布 {len(published)} 个培训班" in index
    for county in catalogue.counties():
        n = sum(r["county_code"] == county["code"] for r in published)
        county_page = _text(_read(site, f"shijianbiao/{county['code']}/index.html"))
        assert (f"共 {n} 个班" in county_page) if n else ("还没有公布培训班" in county_page)
    assert "示例数据" in index
    assert "到2019年6月1日还没有结束" in index


def test_progress_date_is_honest_about_the_plan_year(demo_site, empty_site):
    during = _text(_read(demo_site.site, "jinzhan/index.html"))
    assert "数据截至：2019年6月1日" in during and "最终数字" not in during
    after = _text(_read(empty_site.site, "jinzhan/index.html"))
    assert "这是2019年方案的最终数字" in after and "数据截至" not in after
    assert "培训活动在2019年4月1日至12月20日" in after


def test_hostile_stored_text_is_escaped(demo_site):
    page = _read(
        demo_site.site,
        next(
            p.relative_to(demo_site.site).as_posix()
            for p in (demo_site.site / "shijianbiao" / "231221").glob("*.html")
            if f'id="ban-{demo_site.hostile_id}"' in p.read_text(encoding="utf-8")
        ),
    )
    assert "&lt;script&gt;alert" in page and "<script>alert" not in page
    assert 'href="javascript:' not in page and "<img src=x" not in page
    assert "\u202e" not in page and "\u0007" not in page
    assert "😀" in page
    assert "不该公开的讲师" not in page  # trainers are people: not published
    assert "<img src=x" not in _read(demo_site.site, "shijianbiao/231221/index.html")


def _site_text(site: Path) -> str:
    parts = []
    for path in site.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            if path.suffix == ".gz":
                data = gzip.decompress(data)
            parts.append(data.decode("utf-8", errors="ignore"))
    return "\n".join(parts)


def test_no_personal_data_anywhere_in_the_site(demo_site):
    db = database.connect(demo_site.db_file)
    workers = list(db.query("SELECT name, id_number, phone FROM workers"))
    people = {r["contact_person"] for r in db.query("SELECT contact_person FROM institutions")}
    people |= {r["trainer"] for r in db.query("SELECT trainer FROM sessions")}
    db.conn.close()
    text = _site_text(demo_site.site)
    # Every 11- and 18-character window of every digit run: ID numbers and mobiles, even when
    # glued to other digits. (A window set instead of `in text` per worker keeps this fast.)
    windows = {
        run[i : i + n]
        for run in re.findall(r"[0-9Xx]{11,}", text)
        for n in (11, 18)
        for i in range(len(run) - n + 1)
    }
    masked = set(re.findall(r"\d{6}\*{8}[0-9Xx]{4}", text))
    assert len(workers) > 1000
    for w in workers:
        assert w["id_number"] not in windows
        assert w["id_number"][:6] + "********" + w["id_number"][-4:] not in masked
        assert not w["phone"] or re.sub(r"\D", "", w["phone"]) not in windows
    runs = re.findall(r"[\u4e00-\u9fff]+", text)
    grams = {run[i : i + n] for run in runs for n in (2, 3, 4) for i in range(len(run) - n + 1)}
    leaked = sorted(({w["name"] for w in workers} | people) & grams)
    assert leaked == [], leaked


def test_no_external_assets_and_links_resolve(demo_site):
    for page in demo_site.site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert not re.search(r'(?:src|href)="(?:https?:)?//', html), page
        assert "fonts.googleapis" not in html and "fonts.gstatic" not in html
    linkcheck.check(demo_site.site)  # raises on any broken link


def test_progress_page_shows_aggregates_and_build_date(demo_site):
    from portal import coverage

    db = database.connect(demo_site.db_file)
    rows = coverage.county_summary(db)
    db.conn.close()
    text = _text(_read(demo_site.site, "jinzhan/index.html"))
    assert "示例数据" in text and "数据截至" in text
    for r in rows:
        pct = "—" if r["coverage"] is None else f"{r['coverage'] * 100:.1f}%"
        assert (
            f"{r['county']} {r['willing']} {r['trained_willing']} {pct} {r['sessions_held']}"
            in text
        )
    assert 'class="bar-fill"' in _read(demo_site.site, "jinzhan/index.html")


def test_checker_data_covers_every_policy(demo_site):
    data = json.loads(_read(demo_site.site, "chaxun/checker.json"))
    assert [p["key"] for p in data["policies"]] == [p.key for p in policies.policies()]
    assert [q["key"] for q in data["questions"]] == [q["key"] for q in checker.questions()]
    page = _read(demo_site.site, "chaxun/index.html")
    assert (
        'id="checker-data"' in page and "</script>" not in page.split('id="checker-data">')[1][:20]
    )


def test_empty_database_builds_and_says_no_sessions_yet(empty_site):
    site = empty_site.site
    assert "网站已生成" in empty_site.output
    index = _text(_read(site, "shijianbiao/index.html"))
    assert "目前没有已公布、还没结束的培训班" in index
    assert "示例数据" not in _site_text(site)
    assert "目前还没有公布这项活动的培训班" in _text(_read(site, "huodong/jiazheng.html"))
    assert "暂时算不出覆盖率" in _text(_read(site, "jinzhan/index.html"))
    downloads_page = _text(_read(site, "xiazai/index.html"))
    if not _packs_present():
        assert "正在准备中" in downloads_page


def _search_index(site: Path) -> dict:
    text = _read(site, "search/index.js")
    assert text.startswith("__siteSearchIndex(") and text.rstrip().endswith(");")
    return json.loads(text.strip()[len("__siteSearchIndex(") : -2])


def test_search_index_holds_every_page_words_and_synonyms(empty_site, demo_site):
    index = _search_index(empty_site.site)
    assert not (empty_site.site / "search" / "search_index.json").exists()  # no theme search
    words = set(index["words"])
    for word in ("以工代训", "两后生", "建档立卡", "明白卡", "家政", "月嫂", "技工学校", "望奎县"):
        assert word in words, word
    assert ["技校", "技工学校", "技工院校"] in index["synonyms"]
    pages = {d["u"] for d in _search_index(demo_site.site)["docs"]}
    html_pages = {p.relative_to(demo_site.site).as_posix() for p in demo_site.site.rglob("*.html")}
    assert pages == html_pages - {"404.html", "sousuo/index.html"}
    assert (
        demo_site.report.search_index_bytes == (demo_site.site / "search/index.js").stat().st_size
    )


def test_search_index_keeps_hostile_text_inside_the_script(demo_site):
    text = _read(demo_site.site, "search/index.js")
    assert "</script" not in text.lower()
    docs = _search_index(demo_site.site)["docs"]
    # stored text stays plain text in the index; the search page shows it with textContent
    assert any(HOSTILE_TOWN in json.dumps(d, ensure_ascii=False) for d in docs)


def test_search_results_link_to_anchors_that_exist(demo_site):
    """A result opens the section where the words are: every anchor in the index is on its page."""
    missing = []
    for doc in _search_index(demo_site.site)["docs"]:
        html = _read(demo_site.site, doc["u"])
        missing += [(doc["u"], a) for a, _, _ in doc["s"] if a and f'id="{a}"' not in html]
    assert missing == []


def test_search_synonyms_are_checked(tmp_path, monkeypatch):
    bad = tmp_path / "search.yml"
    bad.write_text("synonyms:\n  - [技校]\n", encoding="utf-8")
    monkeypatch.setattr(search_index, "SEARCH_DATA", bad)
    with pytest.raises(UserError, match="至少要有两个词"):
        search_index.search_data()


def test_sitemap_lists_every_page_at_the_public_address(demo_site, tmp_path, monkeypatch):
    xml = _read(demo_site.site, "sitemap.xml")
    locs = re.findall(r"<loc>([^<]+)</loc>", xml)
    html_pages = {p.relative_to(demo_site.site).as_posix() for p in demo_site.site.rglob("*.html")}
    base = demo_site.report.site_url
    assert sorted(locs) == sorted(base + p for p in html_pages - {"404.html", "sousuo/index.html"})
    assert gzip.decompress((demo_site.site / "sitemap.xml.gz").read_bytes()).decode() == xml
    assert "<lastmod>" in xml
    # the address comes from configuration, read in one place
    monkeypatch.setenv("SITE_URL", "https://px.example.cn/peixun")
    configured = address.public_site_url()
    assert configured.url == "https://px.example.cn/peixun/" and configured.configured
    assert configured.root_path == "/peixun/"
    copy = tmp_path / "site"
    shutil.copytree(demo_site.site, copy)
    assert sitemap.write(copy, demo_site.site.parent / "docs", configured.url) == len(locs)
    again = _read(copy, "sitemap.xml")
    assert "<loc>https://px.example.cn/peixun/zhengce/startup-loan.html</loc>" in again


def test_not_found_page_is_chinese_with_relative_links(demo_site):
    html = _read(demo_site.site, "404.html")
    assert "没有找到这个页面" in _text(html) and "Not found" not in html
    links = re.findall(r'<a [^>]*href="([^"]+)"', html)
    assert "index.html" in links and "sousuo/index.html" in links
    assert not [u for u in re.findall(r'(?:href|src)="([^"]+)"', html) if u.startswith("/")]
    # neither it nor the search page is in the navigation (no footer links to them either)
    home = _read(demo_site.site, "index.html")
    assert (
        'href="404.html"' not in home
        and 'href="sousuo/index.html"' not in home.split("</header>")[1]
    )
    assert "md-footer__link" not in html


def _packs_present() -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec("portal.packs.public") is not None
    except ModuleNotFoundError:
        return False


def test_downloads_link_the_files_the_packs_module_renders(tmp_path, monkeypatch):
    def render_public_downloads(out_dir: Path):
        (out_dir / "mingbaika.pdf").write_bytes(b"%PDF-1.7 test")
        return [{"title": "就业政策明白卡", "file": "mingbaika.pdf", "description": "两页A4"}]

    fake = types.ModuleType("portal.packs.public")
    fake.render_public_downloads = render_public_downloads
    fake.__spec__ = types.SimpleNamespace(name="portal.packs.public")
    monkeypatch.setitem(sys.modules, "portal.packs.public", fake)
    monkeypatch.setattr(downloads.importlib, "import_module", lambda name: fake)
    monkeypatch.setattr(downloads.importlib.util, "find_spec", lambda name: fake.__spec__)
    context = site_context(catalogue.plan()["document"]["date"], False)
    downloads.write(tmp_path, render.environment(), context)
    page = (tmp_path / "xiazai" / "index.md").read_text(encoding="utf-8")
    assert "[就业政策明白卡](files/mingbaika.pdf)" in page and "正在准备中" not in page


def test_downloads_without_packs_module_link_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(downloads.importlib.util, "find_spec", lambda name: None)
    context = site_context(catalogue.plan()["document"]["date"], False)
    downloads.write(tmp_path, render.environment(), context)
    page = (tmp_path / "xiazai" / "index.md").read_text(encoding="utf-8")
    assert "正在准备中" in page and "](files/" not in page


def test_page_without_front_matter_is_refused():
    with pytest.raises(UserError, match="title"):
        render.split_front_matter("# 没有元数据\n", "x.md")
    with pytest.raises(UserError, match="description"):
        render.split_front_matter("---\ntitle: 只有标题\n---\n正文\n", "x.md")


def test_broken_link_fails_the_build_and_keeps_the_old_site(tmp_path, monkeypatch, db):
    docs = tmp_path / "content-docs"
    shutil.copytree(paths.DOCS, docs)
    faq = docs / "wenti" / "index.md"
    faq.write_text(faq.read_text(encoding="utf-8") + "\n[坏链接](../meiyou/index.md)\n", "utf-8")
    monkeypatch.setattr(paths, "DOCS", docs)
    out = tmp_path / "site"
    out.mkdir()
    (out / "old.html").write_text("旧网站", encoding="utf-8")
    with pytest.raises(UserError, match="meiyou"):
        build_site(db, out=out, work=tmp_path / "work")
    assert (out / "old.html").read_text(encoding="utf-8") == "旧网站"
    assert not (tmp_path / "site.building").exists()


def test_linkcheck_finds_broken_links_and_external_assets(tmp_path):
    (tmp_path / "a.html").write_text(
        '<a href="b.html">b</a><a href="tel:0455">t</a><a href="#x">x</a>', "utf-8"
    )
    (tmp_path / "b.html").write_text('<a href="/a.html#top">a</a>', "utf-8")
    linkcheck.check(tmp_path)
    (tmp_path / "c.html").write_text(
        '<a href="nope.html">n</a><script src="https://cdn.example.com/x.js"></script>', "utf-8"
    )
    with pytest.raises(UserError) as err:
        linkcheck.check(tmp_path)
    assert "nope.html" in str(err.value) and "cdn.example.com" in str(err.value)


def test_navigation_keeps_a_new_hand_written_page():
    from portal.sitebuild import nav

    tree = nav.build(
        ["index.md", "wenti/index.md", "gonggao/index.md"],
        ["zhengce/a.md"],
        ["huodong/b.md"],
        {
            "index": "shijianbiao/index.md",
            "counties": [("望奎县", ["shijianbiao/231221/index.md"])],
        },
    )
    assert tree[-1] == "gonggao/index.md"
    assert sum(1 for item in tree if item == "wenti/index.md") == 0  # listed once, in its place


def test_every_township_has_a_page_so_printed_qr_codes_resolve(demo_site, demo_template):
    """The QR code on a printed pack points at the worker's township page: it must exist."""
    import sqlite3

    from portal.packs import qr

    conn = sqlite3.connect(demo_template)
    townships = conn.execute(
        "SELECT DISTINCT county_code, township_code FROM workers ORDER BY 1, 2"
    ).fetchall()
    assert townships
    base = "http://example.org/"
    for county, township in townships:
        url = qr.timetable_url(base, county, township)
        page = demo_site.site / url.removeprefix(base)
        assert page.is_file(), url
    empty = [
        t
        for t in townships
        if "还没有公布培训班"
        in (demo_site.site / qr.timetable_url(base, *t).removeprefix(base)).read_text(
            encoding="utf-8"
        )
    ]
    assert empty, "the demo has townships without published sessions; their pages must say so"


def test_no_invented_rules_and_the_missing_ones_are_there(demo_site):
    """Steps and figures the plan does not give are not presented as its rules."""
    text = _site_text(demo_site.site)
    for invented in ("当地就业补助资金管理规定", "带上身份证", "用工和工资发放证明", "照常拿工资"):
        assert invented not in text, invented
    school = _text(_read(demo_site.site, "zhengce/technical-school.html"))
    assert (
        "减免杂费、书本费" in school and "生活费补助" in school and "只限建档立卡贫困家庭" in school
    )
    faq = _text(_read(demo_site.site, "wenti/index.html"))
    assert "什么是“两联三送”" in faq and "培训需求清单" in faq and "参训人员清单" in faq
    policy = _text(_read(demo_site.site, "zhengce/employer-reward.html"))
    assert "2019年3月12日印发" in policy and "本站从2019年3月12日起按这个标准写" in policy
    assert "其他企业不在其中" in policy and "不发给干活的人" in policy
    work = _text(_read(demo_site.site, "zhengce/work-training.html"))
    assert "方案没有写明补贴标准" in work
    home = _text(_read(demo_site.site, "index.html"))
    assert "建档立卡贫困家庭里初中、高中毕业没再上学的孩子" in home


def test_one_page_sheet_per_policy_linked_from_its_page(demo_site):
    from pypdf import PdfReader

    downloads_page = _read(demo_site.site, "xiazai/index.html")
    for p in policies.policies():
        slug = policy_slug(p.key)
        sheet = demo_site.site / "xiazai" / "yitu" / f"{slug}.pdf"
        reader = PdfReader(sheet)
        assert len(reader.pages) == 1, p.key
        text = reader.pages[0].extract_text().replace("\n", "")
        for a in p.amounts:
            if a.value:
                assert catalogue.yuan(a.value) in text, (p.key, a.amount)
        assert "绥人社发〔2019〕18号" in text
        assert f'href="../xiazai/yitu/{slug}.pdf"' in _read(demo_site.site, f"zhengce/{slug}.html")
        assert f'href="yitu/{slug}.pdf"' in downloads_page
