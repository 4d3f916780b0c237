"""Policy packs: real PDFs rendered from the demo database and read back."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from portal import catalogue, idnumber, policies
from portal import db as database
from portal.errors import ScopeError, UserError
from portal.packs import batches, data, render
from portal.packs.model import SessionLine
from portal.scope import SYSTEM, Actor

ON = dt.date(2019, 6, 1)
WANGKUI = "231221"
BEILIN_STAFF = Actor("beilin_staff", "county", county_code="231202", display_name="北林")
WANGKUI_STAFF = Actor("wangkui_staff", "county", county_code=WANGKUI, display_name="望奎")


def text_of(path_or_bytes, first=None, last=None) -> str:
    args = ["pdftotext", "-enc", "UTF-8"]
    if first:
        args += ["-f", str(first), "-l", str(last or first)]
    if isinstance(path_or_bytes, bytes):
        return subprocess.run(
            [*args, "-", "-"], input=path_or_bytes, capture_output=True
        ).stdout.decode()
    return subprocess.run([*args, str(path_or_bytes), "-"], capture_output=True, text=True).stdout


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _busy_village(db) -> str:
    """The 望奎县 village with the most enrolments among workers who want training."""
    return next(
        iter(
            db.query(
                "SELECT w.village_code AS v FROM workers w JOIN enrolments e ON e.worker_id = w.id "
                "WHERE w.county_code = ? AND w.wants_training = 'yes' "
                "GROUP BY w.village_code ORDER BY COUNT(*) DESC, w.village_code LIMIT 1",
                [WANGKUI],
            )
        )
    )["v"]


@pytest.fixture(scope="module")
def printed(demo_template, tmp_path_factory):
    """One village printed once (with a hostile worker added); every test reads it back."""
    folder = tmp_path_factory.mktemp("packs")
    path = folder / "demo.db"
    shutil.copy(demo_template, path)
    secret = folder / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT-42", encoding="utf-8")
    hostile = (
        f'王<img src="file://{secret}"><link rel="attachment" href="file://{secret}">'
        "<script>alert(1)</script>\u202e😀"
    )
    db = database.connect(path)
    village = _busy_village(db)
    row = next(iter(db.query("SELECT * FROM workers WHERE village_code = ? LIMIT 1", [village])))
    number = idnumber.make(WANGKUI, dt.date(1980, 5, 5), 777)
    with database.transaction(db):
        worker_id = database.insert(
            db,
            "workers",
            {
                **{k: row[k] for k in ("gender", "birth_date", "county_code", "township_code")},
                "village_code": village,
                "id_number": number,
                "name": hostile,
                "wants_training": "yes",
                "notes": hostile,
                "created_at": "2019-03-20T10:00:00",
                "created_by": "test",
                "updated_at": "2019-03-20T10:00:00",
                "updated_by": "test",
            },
        )
    full = db.execute("SELECT village_code FROM workers WHERE id = ?", [worker_id]).fetchone()[0]
    from portal import areas

    label = areas.full_name(db, full)
    selection = batches.select_workers(db, WANGKUI_STAFF, village=label)
    out = folder / "village.pdf"
    result = batches.print_packs(
        db, WANGKUI_STAFF, selection, out, site_url="https://px.example.cn/site", on=ON
    )
    ids = list(selection.worker_ids)
    packs = data.load_packs(db, SYSTEM, ids, on=ON)
    numbers = [
        r["id_number"]
        for r in db.query(
            f"SELECT id_number FROM workers WHERE id IN ({','.join('?' * len(ids))})", ids
        )
    ]
    yield {
        "db": db,
        "path": out,
        "result": result,
        "packs": {p.worker_id: p for p in packs},
        "numbers": numbers,
        "hostile_id": worker_id,
        "secret": secret,
        "selection": selection,
        "folder": folder,
    }
    db.conn.close()


def card_pages() -> int:
    return len(PdfReader(render_card()).pages)


_CARD = {}


def render_card():
    if "pdf" not in _CARD:
        buf = io.BytesIO()
        render.mingbai_pdf(WANGKUI, ON, buf)
        _CARD["pdf"] = io.BytesIO(buf.getvalue())
    _CARD["pdf"].seek(0)
    return _CARD["pdf"]


def test_each_pack_starts_on_a_new_page_with_both_copies(printed):
    result = printed["result"]
    reader = PdfReader(printed["path"])
    assert len(reader.pages) == result.pages == sum(p.page_count for p in result.packs)
    assert [p.worker_id for p in result.packs] == list(printed["selection"].worker_ids)
    k = card_pages()
    assert 2 <= k <= 4
    for entry in result.packs:
        pack = printed["packs"][entry.worker_id]
        first = entry.first_page
        assert "就业政策明白卡" in text_of(printed["path"], first)
        personal = squash(text_of(printed["path"], first + k))
        assert squash(f"{pack.name}的政策包") in personal
        assert f"第{k + 1}页" in personal  # numbered within the pack
        last = first + entry.page_count - 1
        dept = squash(text_of(printed["path"], last - 1))
        own = squash(text_of(printed["path"], last))
        assert "劳动就业部门留存" in dept and "本人留存" not in dept
        assert "本人留存" in own and "劳动就业部门留存" not in own
        for page in (dept, own):
            assert squash(pack.name) in page and pack.masked_id in page
            assert squash(pack.village) in page
        # A worker with a handful of trainings: 明白卡 + personal page + two single-page copies.
        if entry.worker_id != printed["hostile_id"]:
            assert entry.page_count == k + 3


def test_contact_card_lists_the_workers_sessions(printed):
    with_sessions = [p for p in printed["packs"].values() if p.sessions]
    assert with_sessions, "the demo village should have enrolled workers"
    result = {p.worker_id: p for p in printed["result"].packs}
    for pack in with_sessions:
        last = result[pack.worker_id].first_page + result[pack.worker_id].page_count - 1
        for copy in (last - 1, last):
            page = squash(text_of(printed["path"], copy, copy + 0))
            for s in pack.sessions:
                assert squash(s.content) in page
                assert s.contact in page
                assert s.when[:10] in page


def test_no_full_id_number_anywhere(printed):
    text = text_of(printed["path"])
    raw = printed["path"].read_bytes()
    for number in printed["numbers"]:
        assert number not in text and number.encode() not in raw
        assert idnumber.mask(number) in text


def test_hostile_name_is_text_and_nothing_is_fetched_or_attached(printed):
    raw = printed["path"].read_bytes()
    text = text_of(printed["path"])
    assert "TOP-SECRET" not in text and b"TOP-SECRET" not in raw
    assert b"/EmbeddedFile" not in raw and b"/FileAttachment" not in raw
    assert not PdfReader(printed["path"]).attachments
    assert "<img" in text and "<script>alert(1)</script>" in text  # shown, not obeyed
    # Shown as the name typed; the notes are never printed at all (the name holds it once).
    assert text.count("TOP-SECRET") == 0
    assert squash(text).count("<linkrel") == squash(text).count(squash("王<img"))


def test_fonts_embedded_and_chinese_text(printed):
    out = subprocess.run(
        ["pdffonts", str(printed["path"])], capture_output=True, text=True, check=True
    ).stdout
    fonts = out.splitlines()[2:]
    assert fonts and all(" yes yes " in line for line in fonts), out
    assert any("Noto-Sans-CJK-SC" in line for line in fonts)
    # The 明白卡 is stored once however many packs repeat it, and each chunk's subset once: a
    # regular and a bold for the card and for each of this small batch's chunks (one per core).
    chunks = min(2, os.cpu_count() or 1)
    assert len([f for f in fonts if "Noto-Sans-CJK-SC" in f]) <= 2 * (1 + chunks)


def test_first_page_renders_dark_chinese_text(printed, tmp_path):
    from PIL import Image

    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "40",
            "-f",
            "1",
            "-l",
            "1",
            "-png",
            str(printed["path"]),
            str(tmp_path / "p"),
        ],
        check=True,
    )
    png = next(tmp_path.glob("p*.png"))
    img = Image.open(png).convert("L")
    dark = sum(img.histogram()[:128])
    assert dark > 0.01 * img.width * img.height
    assert "就业政策明白卡" in text_of(printed["path"], 1)


def test_qr_and_county_contact_on_personal_page(printed):
    entry = printed["result"].packs[0]
    pack = printed["packs"][entry.worker_id]
    page = squash(text_of(printed["path"], entry.first_page + card_pages()))
    assert (
        f"https://px.example.cn/site/shijianbiao/{pack.county_code}/{pack.township_code}.html"
        in page
    )
    assert squash(catalogue.county(WANGKUI)["bureau"]) in page


def test_policy_text_and_amounts_come_from_the_content_files(printed):
    text = squash(text_of(render_card().getvalue()))
    for p in policies.policies():
        assert squash(p.title) in text
        for a in p.amounts:
            assert squash(a.amount) in text, a
    assert "最高15万元" in text and "3000元" in text and "1万元" in text


def test_prints_recorded_and_audited(printed):
    db = printed["db"]
    result = printed["result"]
    rows = list(db.query("SELECT * FROM pack_prints WHERE batch = ?", [result.batch]))
    assert sorted(r["worker_id"] for r in rows) == sorted(printed["selection"].worker_ids)
    assert {r["printed_by"] for r in rows} == {"wangkui_staff"}
    assert all(r["printed_at"] and r["delivered_at"] is None for r in rows)
    audit = list(
        db.query(
            "SELECT * FROM audit_log WHERE entity = 'pack_prints' AND entity_id = ?", [result.batch]
        )
    )
    assert (
        len(audit) == 1 and audit[0]["actor"] == "wangkui_staff" and audit[0]["action"] == "print"
    )


def test_mark_delivered_in_scope_only(printed):
    db = printed["db"]
    batch = printed["result"].batch
    ids = [
        r["id"] for r in db.query("SELECT id FROM pack_prints WHERE batch = ? ORDER BY id", [batch])
    ]
    with pytest.raises(ScopeError):
        batches.mark_delivered(db, BEILIN_STAFF, print_ids=ids[:1])
    assert batches.mark_delivered(db, WANGKUI_STAFF, print_ids=ids[:1]) == 1
    row = next(iter(db.query("SELECT * FROM pack_prints WHERE id = ?", [ids[0]])))
    assert row["delivered_by"] == "wangkui_staff" and row["delivered_at"]
    with pytest.raises(UserError, match="已标记"):
        batches.mark_delivered(db, WANGKUI_STAFF, print_ids=ids[:1])
    assert batches.mark_delivered(db, WANGKUI_STAFF, batch=batch) == len(ids) - 1
    assert (
        next(iter(db.query("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'deliver'")))["n"]
        == 2
    )
    listed = batches.list_prints(db, WANGKUI_STAFF)
    assert listed and all("*" in r["id_number"] for r in listed)
    assert batches.list_prints(db, BEILIN_STAFF) == [] or all(
        not r["village"].startswith("望奎县") for r in batches.list_prints(db, BEILIN_STAFF)
    )


def test_county_user_cannot_print_another_county(printed, tmp_path):
    db = printed["db"]
    label = printed["selection"].label
    with pytest.raises(ScopeError, match="管辖范围"):
        batches.select_workers(db, BEILIN_STAFF, village=label)
    with pytest.raises(ScopeError):
        batches.print_packs(db, BEILIN_STAFF, printed["selection"], tmp_path / "x.pdf", on=ON)
    assert data.load_packs(db, BEILIN_STAFF, list(printed["selection"].worker_ids), on=ON) == []
    institution = Actor("jigou", "institution", institution_id=1)
    with pytest.raises(ScopeError):
        batches.select_workers(db, institution, village=label)
    assert not (tmp_path / "x.pdf").exists()


def test_selection_rules(printed):
    db = printed["db"]
    label = printed["selection"].label
    wanting = batches.select_workers(db, SYSTEM, village=label)
    everyone = batches.select_workers(db, SYSTEM, village=label, all_workers=True)
    assert set(wanting.worker_ids) <= set(everyone.worker_ids)
    n_all = next(
        iter(
            db.query(
                "SELECT COUNT(*) AS n FROM workers WHERE village_code = (SELECT village_code FROM workers WHERE id = ?)",
                [printed["hostile_id"]],
            )
        )
    )["n"]
    assert len(everyone.worker_ids) == n_all
    town = label.rsplit("/", 1)[0]
    assert set(wanting.worker_ids) <= set(
        batches.select_workers(db, SYSTEM, township=town).worker_ids
    )
    with pytest.raises(UserError, match="不是一个村"):
        batches.select_workers(db, SYSTEM, village=town)
    with pytest.raises(UserError, match="只指定一种"):
        batches.select_workers(db, SYSTEM, village=label, township=town)
    with pytest.raises(UserError, match="找不到"):
        batches.select_workers(db, SYSTEM, village="望奎县/没有这个镇/某村")
    number = printed["numbers"][0]
    person = batches.select_workers(db, SYSTEM, person=number)
    assert len(person.worker_ids) == 1 and number not in person.label


def test_nearby_sessions_township_then_trade_then_date():
    def line(i, town, course, start):
        return SessionLine(i, start, "", f"{course}（集中）", "", "", town, start)

    county = [
        line(1, "B", "家政服务员", "2019-06-02"),
        line(2, "A", "种植技术", "2019-06-05"),
        line(3, "A", "家政服务员", "2019-06-09"),
        line(4, "B", "种植技术", "2019-06-01"),
        line(5, "A", "养殖技术", "2019-06-03"),
    ]
    worker = {"township_code": "A", "wanted_trade": "家政服务员"}
    order = [s.session_id for s in data.nearby(worker, county, own=[county[2]])]
    assert order == [5, 2, 1, 4]  # own session 3 left out; A before B; trade first within B


def test_parallel_chunks_match_the_single_process_batch(printed, tmp_path):
    packs = list(printed["packs"].values())[:3]
    par = render.render_packs(packs, tmp_path / "par.pdf", chunk_size=1, processes=2, printed_on=ON)
    batch = {p.worker_id: p.page_count for p in printed["result"].packs}
    assert [p.page_count for p in par.packs] == [batch[p.worker_id] for p in packs]
    assert len(PdfReader(par.path).pages) == par.pages
    text = squash(text_of(par.path))
    for p in packs:
        assert squash(f"{p.name}的政策包") in text
    assert not list(tmp_path.glob(".packs-*"))  # temporary chunks cleaned up


def test_a_relative_output_path_works_from_any_folder(printed, tmp_path, monkeypatch):
    packs = list(printed["packs"].values())[:2]
    monkeypatch.chdir(tmp_path)  # not the project folder, where the rendering processes run
    done = render.render_packs(packs, "v.pdf", chunk_size=1, processes=2, printed_on=ON)
    assert len(PdfReader(tmp_path / "v.pdf").pages) == done.pages
    assert not list(tmp_path.glob(".packs-*"))


def test_a_failing_render_process_raises_instead_of_hanging():
    with render.Workers(1) as pool:
        with pytest.raises(RuntimeError, match="unknown job"):
            pool.submit("no_such_job").result(timeout=120)


def test_failed_render_records_nothing_and_leaves_no_file(printed, tmp_path, monkeypatch):
    db = printed["db"]
    before = next(iter(db.query("SELECT COUNT(*) AS n FROM pack_prints")))["n"]

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(render, "render_packs", broken)
    with pytest.raises(OSError):
        batches.print_packs(db, WANGKUI_STAFF, printed["selection"], tmp_path / "x.pdf", on=ON)
    assert next(iter(db.query("SELECT COUNT(*) AS n FROM pack_prints")))["n"] == before
    assert not (tmp_path / "x.pdf").exists()


def test_workers_with_the_same_personal_page_share_it_but_keep_their_own_heads(printed, tmp_path):
    """The shared page is stored once; each worker's head and footer are drawn over it."""
    from PIL import Image

    groups: dict = {}
    for p in printed["packs"].values():
        groups.setdefault(render.variant_key(p), []).append(p)
    pair = next(g for g in groups.values() if len(g) >= 2)[:2]
    out = render.render_packs(pair, tmp_path / "pair.pdf", processes=1, printed_on=ON)
    reader = PdfReader(out.path)
    k = card_pages()
    personal = [reader.pages[e.first_page - 1 + k] for e in out.packs]
    streams = [[c.idnum for c in page.raw_get("/Contents")] for page in personal]
    assert streams[0][-1] == streams[1][-1]  # the shared page's own content: one object
    assert streams[0][1] != streams[1][1]  # each worker's stamp: their own
    for entry, pack, other in zip(out.packs, pair, reversed(pair), strict=True):
        page = squash(text_of(out.path, entry.first_page + k))
        assert squash(f"{pack.name}的政策包") in page and pack.masked_id in page
        assert f"第{k + 1}页" in page and squash(pack.village) in page
        if other.name != pack.name:
            assert squash(f"{other.name}的政策包") not in page
    # drawn where a reader looks: the head's name at the top left, not only in the text layer
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "40",
            "-f",
            str(k + 1),
            "-l",
            str(k + 1),
            "-png",
            str(out.path),
            str(tmp_path / "p"),
        ],
        check=True,
    )
    img = Image.open(next(tmp_path.glob("p*.png"))).convert("L")
    head = img.crop((0, 0, img.width * 2 // 3, img.height // 10))
    assert sum(head.histogram()[:128]) > 0.02 * head.width * head.height


def test_a_rendering_process_does_not_keep_what_a_chunk_laid_out(printed, tmp_path):
    """Chunk after chunk, the objects the garbage collector tracks stay flat (a chunk's layout
    left behind once cost a 2,000-worker township batch 9 GB)."""
    import gc

    packs = list(printed["packs"].values())[:4]

    def one_chunk(n):  # no collection in between: a rendering process does none either
        render.render_chunk(packs, "https://px.example.cn/", ON, 4, str(tmp_path / f"c{n}.pdf"))
        return len(gc.get_objects())

    one_chunk(0)
    after_one = one_chunk(1)
    after_four = [one_chunk(n) for n in range(2, 5)][-1]
    assert after_four - after_one < 2_000, (after_one, after_four)


def test_two_renderers_report_progress_on_the_calling_thread_only(printed, tmp_path):
    """The portal's progress bar can only be updated from the thread that runs the page."""
    import threading

    packs = list(printed["packs"].values())[:4]
    calls = []
    out = render.render_packs(
        packs,
        tmp_path / "p.pdf",
        chunk_size=1,
        processes=2,
        printed_on=ON,
        progress=lambda done, total: calls.append((done, total, threading.current_thread())),
    )
    assert [(d, t) for d, t, _ in calls] == [(n, 4) for n in range(1, 5)]
    assert {thread for *_, thread in calls} == {threading.main_thread()}
    assert [p.worker_id for p in out.packs] == [p.worker_id for p in packs]


def test_a_chunk_failing_in_this_process_stops_the_batch(printed, tmp_path, monkeypatch):
    packs = list(printed["packs"].values())[:4]

    def broken(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(render, "render_chunk", broken)  # this process only, not the other
    with pytest.raises(OSError):
        render.render_packs(packs, tmp_path / "x.pdf", chunk_size=1, processes=2, printed_on=ON)
    assert not (tmp_path / "x.pdf").exists() and not list(tmp_path.glob(".packs-*"))
