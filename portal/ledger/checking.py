"""Reading and checking a ledger in chunks the importer writes as they come.

Why chunks, and why a process of its own for big files: checking a 200,000-row ledger is
a few CPU seconds of Python, and so is writing it. In a second process (``python -m
portal.ledger.checking``) the checks of the next chunk run on the other core while the
importer writes the last one. Small files are checked in the importer's own process: starting
a process costs more than it saves. Both ways yield the same messages, made here.

Messages: ``("start", file name, size hint)`` once; per sheet with a ledger header
``("sheet", sheet name, unmapped column names)`` and then ``("chunk", accepted, rejected,
warnings, skipped)`` per chunk of its rows, the accepted rows packed (``staging.Staged``);
last ``("end", skipped sheets)``, each skipped sheet with the reason.

Why workbooks that expand a lot are always read in the second process: a small .xlsx can
unpack to gigabytes (a huge cell, a million rows, a cell far out at XFD1048576), and the
checking process runs under a memory limit (``MEMORY_LIMIT``), so such a file ends that
process with a clear message instead of growing the portal.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import pickle
import signal
import subprocess
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path

from portal.errors import UserError

CHUNK = 10_000
# Files from this size up are checked in a process of their own (about 25,000 rows of the
# bench's CSV). Why this size: below it the second process's start (an interpreter, the
# modules, the messages) costs more than the overlap of checking and writing saves. Measured
# end to end on the 2-core bench machine, best of four alternating runs of build.py
# import-ledger, in-process against a checking process: 1.4 MB
# 0.40 against 0.44 s, 2.0 MB 0.48 against 0.49 s (and 0.10 CPU seconds less), 2.9 MB 0.61
# against 0.57 s, 7.2 MB 1.26 against 1.07 s; a 2.5 MB shared-strings .xlsx 0.83 against
# 0.80 s. A workbook that may expand is read in the checking process whatever its size.
PROCESS_MIN_BYTES = 2_500_000
# The checking process's data segment (heap and anonymous maps) may not grow past this.
MEMORY_LIMIT = 450 * 1024 * 1024


def messages(
    source: str | Path, county_code: str | None, file_name: str | None, today: dt.date | None
) -> Iterator[tuple]:
    """Open, then check every row; a file that cannot be read raises before the first yield."""
    # Imported here: the checks load numpy and the readers, which the importing process of a
    # big file never needs (the checking process does this).
    from portal.ledger.chunks import ChunkChecker
    from portal.ledger.reader import open_ledger
    from portal.ledger.rows import RowChecker
    from portal.ledger.staging import pack
    from portal.ledger.tidy import Tidy

    ledger = open_ledger(source, file_name=file_name)
    yield ("start", ledger.file_name, ledger.size_hint)
    rows_checker = None
    for sheet in ledger.sheets:
        rows_checker = RowChecker(
            county_code, sheet.fields, today=today, earlier=rows_checker, sheet=sheet.name
        )
        checker = ChunkChecker(rows_checker, sheet.columns)
        tidy = Tidy(sheet.columns, sheet.aux)
        yield ("sheet", sheet.name, sheet.unmapped)
        cells = sheet.cells
        while True:
            batch = list(islice(cells, CHUNK))
            if not batch:
                break
            numbers, rows = map(list, zip(*batch, strict=True))
            del batch
            accepted, rejected, warnings, skipped = checker.check(numbers, tidy.rows(rows))
            staged = pack(accepted, checker.record_keys, sheet.name)
            yield ("chunk", staged, rejected, warnings, skipped)
    yield ("end", ledger.skipped)


@contextmanager
def checked(
    source: str | Path,
    county_code: str | None,
    file_name: str | None = None,
    today: dt.date | None = None,
):
    """The messages for a file, from a checking process when the file is big enough."""
    from portal.ledger.reader import expands

    path = Path(source)
    try:
        big = path.stat().st_size >= PROCESS_MIN_BYTES or expands(path)
    except OSError:
        big = False  # open_ledger says what is wrong with the path
    if not big:
        yield messages(source, county_code, file_name, today)
        return
    proc = _start(path, county_code, file_name, today)
    try:
        yield _received(proc)
    finally:
        _stop(proc)


def _start(path: Path, county_code, file_name, today) -> subprocess.Popen:
    root = str(Path(__file__).resolve().parent.parent.parent)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])),
        "RUST_BACKTRACE": "0",  # a workbook too big for memory: one line, not a backtrace
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "portal.ledger.checking"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        cwd=root,
        env=env,
    )
    pickle.dump((str(path.resolve()), county_code, file_name, today), proc.stdin)
    proc.stdin.close()
    return proc


def _received(proc: subprocess.Popen) -> Iterator[tuple]:
    while True:
        try:
            message = pickle.load(proc.stdout)
        except (EOFError, pickle.UnpicklingError):  # the process died, maybe mid-message
            if proc.wait() in (-signal.SIGABRT, -signal.SIGSEGV):
                raise UserError(TOO_BIG) from None
            raise UserError(
                "读取台账的进程意外退出，本次导入没有保存任何数据，请重新导入。"
            ) from None
        kind = message[0]
        if kind == "done":
            return
        if kind == "user-error":
            raise UserError(message[1])
        if kind == "memory":
            raise UserError(TOO_BIG)
        if kind == "error":
            raise RuntimeError(f"ledger checking failed in process {proc.pid}:\n{message[1]}")
        yield message


def _stop(proc: subprocess.Popen) -> None:
    """Ends the checking process whether or not it finished (an import can stop early)."""
    if proc.poll() is None:
        proc.kill()
    proc.wait()
    proc.stdout.close()


TOO_BIG = (
    "台账文件展开后太大（有超长的单元格，或极多的行、列），超出了读取时允许使用的内存，"
    "本次导入没有保存任何数据：请删去多余的行列和超长内容，或把台账分成几个文件（或另存为 CSV）再导入。"
)


def _limit_memory() -> None:
    """Cap this process's heap: a file that expands without end stops here, not the portal."""
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_DATA, (MEMORY_LIMIT, MEMORY_LIMIT))
    except (ImportError, ValueError, OSError):  # pragma: no cover - not Linux
        pass


def main() -> None:
    """The checking process: one job on stdin, pickled messages on stdout."""
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything a library prints goes to stderr, never into the messages
    source, county_code, file_name, today = pickle.load(sys.stdin.buffer)
    gc.disable()  # as in the importer: nothing here makes cycles, and the walks cost seconds
    _limit_memory()
    try:
        for message in messages(source, county_code, file_name, today):
            pickle.dump(message, out, protocol=pickle.HIGHEST_PROTOCOL)
        reply: tuple = ("done",)
    except UserError as exc:
        reply = ("user-error", str(exc))
    except MemoryError:
        reply = ("memory",)
    except Exception:  # reported to the importer, which raises it there
        reply = ("error", traceback.format_exc())
    try:
        pickle.dump(reply, out)
        out.close()
    except BrokenPipeError:  # the importer has stopped; nothing is waiting for us
        pass


if __name__ == "__main__":
    # Through the package: one copy of this module, under its own name, not __main__.
    from portal.ledger import checking

    checking.main()
