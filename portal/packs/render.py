"""Turn packs into one PDF: one HTML document per batch, the 明白卡 laid out once and reused.

Why this shape (measured on this machine, see bench/bench_packs.py):
- One HTML document per batch embeds each font subset once and lays out far faster than a
  document per person.
- The 明白卡 is the same for every worker of a county, so its pages are laid out once and the
  same page objects are written into every worker's pack.
- A personal page (nearby sessions, job openings, contact, QR code) is the same for every
  worker with the same township, openings and sessions near them: it is laid out once per
  chunk with its head left empty, and each worker's head (name, masked ID, trade, village)
  and footers are a small stamp page drawn over it when the chunks are merged. Workers with
  the same personal page are put in the same chunk; the merge restores the batch's order.
- The contact card's two copies differ only in the copy mark and the page number: the card
  is laid out once, and each copy is the same page content with a stamp (mark, footer with
  the page number) drawn over it.
- Big batches are laid out in chunks of ``CHUNK`` workers, each written to a temporary PDF and
  merged with pypdf, so memory stays flat whatever the batch size; the calling process and
  one rendering process per further core (two renderers here) each take the next chunk when
  free. A batch of one chunk stays in the calling process.
Every worker's pack starts on a new page and its pages are numbered within the pack.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import functools
import gc
import os
import pickle
import queue
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import jinja2

from portal import pdf
from portal.packs import content, qr
from portal.packs.model import WorkerPack

TEMPLATES = Path(__file__).resolve().parent / "templates"
CHUNK = 16  # workers per layout; memory hardly depends on it (10: same peak, 20% slower)
# Below this a batch is laid out in this process alone: starting a rendering process costs
# more than it saves (measured: 15 workers took 8.6 s in two processes, 5.4 s here).
MIN_SPLIT = CHUNK + 1
CARD_ROWS = 10  # rows of a contact card: the worker's trainings, then blank ones
MIN_BLANK_ROWS = 3
ROW_MM = 11
CONTENT_WIDTH_MM = 182  # A4 210 mm less 14 mm margins each side (portal.pdf.BASE_CSS)
COLUMNS = (19, 19, 16, 18, 15, 13)  # per cent; matches col.c-* in pack.css


@dataclass(frozen=True)
class PackPages:
    worker_id: int
    first_page: int  # 1-based, in the output PDF
    page_count: int


@dataclass(frozen=True)
class Rendered:
    path: Path
    pages: int
    packs: tuple[PackPages, ...]


@functools.cache
def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,  # every template, whatever its name: names and places are typed by people
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@functools.cache
def stylesheet() -> str:
    return (TEMPLATES / "pack.css").read_text(encoding="utf-8") + _blank_grid_css()


def _blank_grid_css() -> str:
    """Blank card rows drawn as one grid image: as many rows as needed for one layout box."""
    xs, x = [], 0.0
    for w in COLUMNS[:-1]:
        x += CONTENT_WIDTH_MM * w / 100
        xs.append(x)
    lines = "".join(f"M{x:.2f} 0V{ROW_MM}" for x in xs) + f"M0 {ROW_MM - 0.1}H{CONTENT_WIDTH_MM}"
    svg = (
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{CONTENT_WIDTH_MM}mm' "
        f"height='{ROW_MM}mm' viewBox='0 0 {CONTENT_WIDTH_MM} {ROW_MM}'>"
        f"<path d='{lines}' stroke='%23444' stroke-width='0.21' fill='none'/></svg>"
    )
    uri = "data:image/svg+xml;utf8," + svg.replace("<", "%3C").replace(">", "%3E").replace(
        " ", "%20"
    )
    return f'\n.blank-rows {{ background: url("{uri}") 0 0 / 100% {ROW_MM}mm repeat-y; }}\n'


# Fixed widths, so that the right footer sits in the same place whatever the left one holds:
# the contact card's copies get their right footer (with the page number) from a stamp.
FOOTER_LEFT = "width: 60%; font-size: 9pt; color: #444;"
FOOTER_RIGHT = "width: 38%; font-size: 9pt; color: #444; text-align: right;"


def footer_css(label: str, printed_on: dt.date, *, total: bool = False) -> str:
    """Page footers: what the page is, the print date, the page number within the pack."""
    number = (
        '"第 " counter(page) " 页 / 共 " counter(pages) " 页"'
        if total
        else ('"第 " counter(page) " 页"')
    )
    return (
        "@page { @bottom-center { content: none; }"
        f" @bottom-left {{ content: {label}; {FOOTER_LEFT} }}"
        f' @bottom-right {{ content: "打印日期：{printed_on.isoformat()}　" {number}; {FOOTER_RIGHT} }}'
        " }\n"
    )


def blank_rows(pack: WorkerPack | None) -> int:
    done = len(pack.sessions) if pack else 0
    return max(MIN_BLANK_ROWS, CARD_ROWS - done)


def mingbai_html(county_code: str | None, contact=None) -> str:
    """``contact``: the county office as entered in the portal (the packs pass their own)."""
    if contact is not None:
        contacts = [contact]
    else:
        contacts = (
            [content.county_contact(county_code)] if county_code else content.county_bureaus()
        )
    return (
        _env()
        .get_template("mingbai.html.j2")
        .render(
            title="就业政策明白卡",
            body_class="mingbai-doc",
            blocks=content.policy_blocks(),
            contacts=contacts,
            advice=content.ASK_LOCALLY,
            document_line=content.document_line(),
        )
    )


def variant_key(pack: WorkerPack) -> tuple:
    """What a personal page shows besides the worker's own head: equal keys, equal pages."""
    return (pack.township_code, pack.upcoming, pack.jobs, pack.contact)


def packs_html(packs: list[WorkerPack], site_url: str) -> str:
    """One chunk: its distinct personal pages (heads left empty), then each worker's card."""
    variants = {variant_key(p): p for p in reversed(packs)}  # first pack of each key
    urls = {
        p.township_code: qr.timetable_url(site_url, p.county_code, p.township_code) for p in packs
    }
    codes = {code: qr.svg_data_uri(url) for code, url in urls.items()}
    return (
        _env()
        .get_template("packs.html.j2")
        .render(
            title="政策包",
            body_class="packs-doc",
            variants=list(reversed(variants.items())),
            packs=packs,
            urls=urls,
            qr=codes,
            blank_rows=blank_rows,
        )
    )


def blank_card_html() -> str:
    return (
        _env()
        .get_template("blank_card.html.j2")
        .render(title="技能扶贫联系卡", body_class="blank-doc", rows=CARD_ROWS)
    )


def mingbai_pdf(
    county_code: str | None, printed_on: dt.date, target, contact=None, *, total: bool = False
):
    """The 明白卡 alone: written once per county and batch, its pages shared by every pack."""
    css = stylesheet() + footer_css('"就业政策明白卡"', printed_on, total=total)
    document = pdf.render_document(mingbai_html(county_code, contact), css=css)
    pdf.write_pages(document, target=target)
    return len(document.pages)


COPY_MARKS = ("劳动就业部门留存", "本人留存")  # the contact card's two copies, in print order


def stamps_css(printed_on: dt.date, card_numbers, personal_numbers) -> str:
    """A named page per page number: a card copy's footer says only the date and that number;
    a personal page's also says whose pack it is."""
    date = printed_on.isoformat()
    return (
        "@page { @bottom-center { content: none; } }\n"
        + "".join(
            f"@page s{n} {{ @bottom-left {{ content: none; }}"
            f' @bottom-right {{ content: "打印日期：{date}　第 {n} 页"; {FOOTER_RIGHT} }}'
            " }\n"
            f".stamp-s{n} {{ page: s{n}; }}\n"
            for n in sorted(set(card_numbers))
        )
        + "".join(
            f"@page w{n} {{ @bottom-left {{ content: string(who); {FOOTER_LEFT} }}"
            f' @bottom-right {{ content: "打印日期：{date}　第 {n} 页"; {FOOTER_RIGHT} }}'
            " }\n"
            f".stamp-w{n} {{ page: w{n}; }}\n"
            for n in sorted(set(personal_numbers))
        )
    )


@dataclass(frozen=True)
class Stamp:
    """One overlay page: a card copy's mark and number, or a worker's head and footers."""

    page_class: str
    mark: str | None = None
    pack: WorkerPack | None = None
    head: bool = False

    @property
    def size(self) -> str:
        """Long names get smaller type, so that every name fits the head's two lines."""
        n = len(self.pack.name) if self.pack else 0
        return "" if n <= 14 else "long" if n <= 32 else "very-long"

    @property
    def trade(self) -> str:
        trade = self.pack.wanted_trade if self.pack else ""
        return "未登记" if not trade else trade if len(trade) <= 16 else trade[:15] + "…"


def stamps_html(stamps: list[Stamp]) -> str:
    return (
        _env()
        .get_template("stamps.html.j2")
        .render(title="政策包标记", body_class="stamps-doc", stamps=stamps)
    )


@dataclass(frozen=True)
class ChunkLayout:
    """Where each worker's pages are in a chunk's PDF, and the stamps written after them."""

    # worker_id -> (first page of their shared personal page(s), how many, card page, card pages)
    workers: dict
    # ("who", worker_id, j) or (copy index or None, page number in the pack) -> page index
    stamps: dict


def card_stamps(first_page: int, personal: int, card: int):
    """(copy index or None, page number) for each page of both copies, in print order."""
    first = first_page + personal
    return [
        (copy if j == 0 else None, first + copy * card + j)
        for copy in range(len(COPY_MARKS))
        for j in range(card)
    ]


def warm_up() -> None:
    """Load fonts and styles in a fresh rendering process while it waits for its first chunk."""
    pdf.render_document(stamps_html([Stamp("stamp-s1", COPY_MARKS[0])]), css=stylesheet())


def render_chunk(
    packs: list[WorkerPack], site_url: str, printed_on: dt.date, first_page: int, target: str
) -> ChunkLayout:
    """Lay out and write one chunk: shared personal pages, each contact card once, stamps.

    A personal page is the same for every worker with the same nearby sessions, openings,
    contact and township, so it is laid out once per chunk without its head (the worker's
    name, masked ID, trade, village) and footers; a stamp page per worker carries those and is
    drawn over the shared page by ``_merge``. The two copies of a contact card likewise differ
    only in the copy mark and page number: the card is laid out once, the copies are stamped.

    Everything alive before the chunk (modules, fonts, caches) is frozen out of the garbage
    collector's sight: its full passes over them cost much of the time (measured), while
    switching it off altogether let a chunk's cycles pile up (+40% memory). The previous
    chunk's garbage went in its own final collection, so none is frozen here.
    """
    gc.freeze()
    try:
        return _render_chunk(packs, site_url, printed_on, first_page, target)
    finally:
        # The chunk's frame is gone by now, so this pass (over the chunk's own objects only)
        # frees its layout, whose boxes hold cycles; nothing of it is left to freeze next time.
        gc.collect()
        gc.unfreeze()


def _render_chunk(packs, site_url, printed_on, first_page, target) -> ChunkLayout:
    """The work of ``render_chunk``, in a frame of its own that is gone before collecting."""
    css = stylesheet() + footer_css("string(who)", printed_on)
    doc = pdf.render_document(packs_html(packs, site_url), css=css)
    starts: dict[str, int] = {}
    for index, page in enumerate(doc.pages):
        for anchor in page.anchors:
            if anchor.startswith(("variant-", "card-")):
                starts.setdefault(anchor, index)
    keys = list(dict.fromkeys(variant_key(p) for p in packs))
    variant_starts = [starts[f"variant-{k}"] for k in range(len(keys))]
    variant_ends = [*variant_starts[1:], starts[f"card-{packs[0].worker_id}"]]
    card_ends = [starts[f"card-{p.worker_id}"] for p in packs[1:]] + [len(doc.pages)]
    workers = {}
    for p, card_end in zip(packs, card_ends, strict=True):
        k = keys.index(variant_key(p))
        card = starts[f"card-{p.worker_id}"]
        personal = variant_ends[k] - variant_starts[k]
        workers[p.worker_id] = (variant_starts[k], personal, card, card_end - card)
    stamps, who = [], []
    for p in packs:
        for j in range(workers[p.worker_id][1]):
            stamps.append(Stamp(f"stamp-w{first_page + j}", pack=p, head=j == 0))
            who.append(("who", p.worker_id, j))
    cards = list(
        dict.fromkeys(
            key
            for p in packs
            for key in card_stamps(first_page, workers[p.worker_id][1], workers[p.worker_id][3])
        )
    )
    stamps += [Stamp(f"stamp-s{n}", None if c is None else COPY_MARKS[c]) for c, n in cards]
    stamp_doc = pdf.render_document(
        stamps_html(stamps),
        css=stylesheet()
        + stamps_css(
            printed_on,
            [n for _c, n in cards],
            [first_page + j for _w, _id, j in who],
        ),
    )
    if len(stamp_doc.pages) != len(stamps):
        raise RuntimeError(f"{len(stamp_doc.pages)} stamp pages for {len(stamps)} stamps")
    pdf.write_pages(doc, pages=[*doc.pages, *stamp_doc.pages], target=target)
    index = {key: len(doc.pages) + n for n, key in enumerate([*who, *cards])}
    return ChunkLayout(workers, index)


def _chunks(packs: list[WorkerPack], size: int) -> list[list[WorkerPack]]:
    """Runs of at most ``size`` workers of one county, those with the same personal page
    together (so that it is laid out once for all of them); the merge restores the order."""
    order = {}
    for p in packs:
        order.setdefault((p.county_code, variant_key(p)), len(order))
    grouped = sorted(packs, key=lambda p: order[(p.county_code, variant_key(p))])
    chunks: list[list[WorkerPack]] = []
    for p in grouped:
        if not chunks or len(chunks[-1]) >= size or chunks[-1][0].county_code != p.county_code:
            chunks.append([])
        chunks[-1].append(p)
    return chunks


def render_packs(
    packs: list[WorkerPack],
    out: Path,
    *,
    site_url: str | None = None,
    printed_on: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
    chunk_size: int = CHUNK,
    processes: int | None = None,
) -> Rendered:
    """Write the packs to ``out`` (replaced only when complete); ``progress(done, total)``."""
    if not packs:
        raise ValueError("no packs to render")
    site = qr.site_url(site_url)
    printed_on = printed_on or dt.date.today()
    # Absolute: the chunks' temporary folder sits beside ``out`` and the rendering processes
    # run from the project folder, not the caller's.
    out = Path(out).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    if processes is None:
        processes = min(2, os.cpu_count() or 1)
    if processes > 1 and len(packs) >= MIN_SPLIT:
        # more than one chunk anyway: split a batch of under processes x CHUNK evenly
        chunk_size = min(chunk_size, -(-len(packs) // processes))
    chunks = _chunks(packs, chunk_size)
    processes = max(1, min(processes, len(chunks)))
    with tempfile.TemporaryDirectory(prefix=".packs-", dir=out.parent) as tmp:
        if processes == 1:
            counts, cards = _render_all(None, chunks, site, printed_on, Path(tmp), progress)
        else:  # this process renders too: one rendering process fewer
            with Workers(processes - 1) as pool:
                counts, cards = _render_all(pool, chunks, site, printed_on, Path(tmp), progress)
        partial = Path(tmp) / "all.pdf"
        targets = [str(Path(tmp) / f"chunk-{n:05d}.pdf") for n in range(len(chunks))]
        manifest = _merge(packs, chunks, counts, targets, cards, partial)
        os.replace(partial, out)
    return Rendered(out, sum(m.page_count for m in manifest), tuple(manifest))


def _render_all(pool, chunks, site, printed_on, tmp: Path, progress):
    """Each county's 明白卡, then the chunks: in this process alone (``pool`` None), or in this
    process and the pool's processes together, each taking the next chunk when it is free.

    Why this process renders too: a rendering process keeps about 250 MB of fonts and caches
    once it has laid out a page, so with one process per core plus this one the three of them
    passed 800 MB; this one and one process fewer stay well under it. ``progress`` is only
    ever called from this thread (the portal's progress bar cannot be updated from others).
    """
    counties = {chunk[0].county_code: chunk[0].contact for chunk in chunks}
    cards_at = {c: str(tmp / f"card-{c}.pdf") for c in counties}
    if pool:
        pending = {
            c: pool.submit("mingbai_pdf", c, printed_on, path, counties[c])
            for c, path in cards_at.items()
        }
        warm_up()  # this process loads its fonts meanwhile
        cards = {c: (cards_at[c], future.result()) for c, future in pending.items()}
    else:
        cards = {
            c: (path, mingbai_pdf(c, printed_on, path, counties[c])) for c, path in cards_at.items()
        }

    def args(n: int) -> tuple:
        chunk = chunks[n]
        first_page = cards[chunk[0].county_code][1] + 1
        return (chunk, site, printed_on, first_page, str(tmp / f"chunk-{n:05d}.pdf"))

    todo: queue.Queue = queue.Queue()
    for n in range(len(chunks)):
        todo.put(n)
    finished: queue.Queue = queue.Queue()  # (chunk number, layout or the exception raised)
    stop = threading.Event()

    def feed_one_process() -> None:
        while not stop.is_set():
            try:
                n = todo.get_nowait()
            except queue.Empty:
                return
            try:
                finished.put((n, pool.call("render_chunk", args(n))))
            except BaseException as exc:  # handed to the main thread, which raises it
                finished.put((n, exc))
                return

    feeders = [pool.threads.submit(feed_one_process) for _ in range(pool.size)] if pool else []
    counts: list = [None for _ in chunks]
    total, done = sum(len(chunk) for chunk in chunks), 0

    def take(n: int, layout) -> None:
        nonlocal done
        if isinstance(layout, BaseException):
            raise layout
        counts[n] = layout
        done += len(chunks[n])
        if progress:
            progress(done, total)

    try:
        while True:
            while not finished.empty():
                take(*finished.get())
            try:
                n = todo.get_nowait()
            except queue.Empty:
                break
            take(n, render_chunk(*args(n)))
        for feeder in feeders:
            feeder.result()
        while not finished.empty():
            take(*finished.get())
    finally:
        stop.set()
    return counts, cards


class Workers:
    """Rendering processes (``python -m portal.packs.worker``), one job at a time each."""

    def __init__(self, n: int):
        root = str(Path(__file__).resolve().parent.parent.parent)
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])),
        }
        self.procs = [
            subprocess.Popen(
                [sys.executable, "-m", "portal.packs.worker"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                cwd=root,
                env=env,
            )
            for _ in range(n)
        ]
        self.size = n
        self.idle: queue.Queue = queue.Queue()
        for proc in self.procs:
            self.idle.put(proc)
        self.threads = concurrent.futures.ThreadPoolExecutor(n)

    def call(self, name: str, args: tuple):
        """Run one job in the next idle process and wait for its result."""
        proc = self.idle.get()
        try:
            pickle.dump((name, args), proc.stdin)
            proc.stdin.flush()
            status, value = pickle.load(proc.stdout)
        except (EOFError, BrokenPipeError, OSError) as exc:
            raise RuntimeError(f"rendering process {proc.pid} stopped") from exc
        finally:
            self.idle.put(proc)  # a dead one fails the next job at once instead of hanging it
        if status != "ok":
            raise RuntimeError(f"rendering failed in process {proc.pid}:\n{value}")
        return value

    def submit(self, name: str, *args) -> concurrent.futures.Future:
        return self.threads.submit(self.call, name, args)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.threads.shutdown(wait=True, cancel_futures=True)
        for proc in self.procs:
            try:
                proc.stdin.close()
            except OSError:
                pass
        for proc in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _merge(packs, chunks, layouts, targets, cards, target: Path) -> list[PackPages]:
    """Each worker's pack in the batch's order: the county's 明白卡, the shared personal
    page(s) with the worker's head stamped on, and both contact-card copies.

    pypdf shares a page's content stream and fonts between every copy of it, so the 明白卡 is
    stored once per county, however many packs repeat it, a shared personal page once per
    chunk and each contact card once for its two copies: a stamped page is the stamp's
    content followed by the page's, both drawing with the chunk's shared resources.
    """
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DecodedStreamObject, NameObject

    def stream(data: bytes):
        obj = DecodedStreamObject()
        obj.set_data(data)
        return writer._add_object(obj)

    writer = PdfWriter()
    save, restore = stream(b"q\n"), stream(b"\nQ\n")
    card_pages = {county: PdfReader(path).pages for county, (path, _n) in cards.items()}
    where = {}  # worker_id -> (chunk pages, chunk stamps' contents, layout)
    for chunk, layout, part in zip(chunks, layouts, targets, strict=True):
        own = PdfReader(part).pages
        contents = {
            key: own[index].raw_get("/Contents").get_object().clone(writer).indirect_reference
            for key, index in layout.stamps.items()
        }
        for p in chunk:
            where[p.worker_id] = (own, contents, layout.workers[p.worker_id])

    def stamped(page, stamp):
        page = writer.add_page(page)
        drawn = page.raw_get("/Contents")
        drawn = list(drawn) if isinstance(drawn, ArrayObject) else [drawn]
        page[NameObject("/Contents")] = ArrayObject([save, stamp, restore, *drawn])

    manifest = []
    for pack in packs:
        own, contents, (start, personal, card_start, card) = where[pack.worker_id]
        first = len(writer.pages)
        shared = card_pages[pack.county_code]
        for page in shared:
            writer.add_page(page)
        for j in range(personal):
            stamped(own[start + j], contents[("who", pack.worker_id, j)])
        keys = card_stamps(len(shared) + 1, personal, card)
        for n, key in enumerate(keys):
            stamped(own[card_start + n % card], contents[key])
        writer.add_outline_item(title=f"{pack.name}（{pack.village}）", page_number=first)
        manifest.append(PackPages(pack.worker_id, first + 1, len(writer.pages) - first))
    writer.add_metadata({"/Title": "政策包", "/Creator": "绥化市就业扶贫技能培训全覆盖"})
    with open(target, "wb") as fh:
        writer.write(fh)
    return manifest
