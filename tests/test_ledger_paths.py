"""Which way a ledger file is checked: in the importing process below PROCESS_MIN_BYTES, in a
checking process of its own from that size up, and the same outcome either way.

Why the size matters: below it a second process's start costs more than the overlap of
checking and writing saves (the figures are in ``checking.py``); a test fixes the boundary so
that a change of it is a decision, not an accident.
"""

from __future__ import annotations

import pytest

from portal import db as database
from portal.errors import UserError
from portal.ledger import checking
from portal.ledger.importer import import_ledger
from portal.scope import SYSTEM
from tests.ledger_files import HEADER, ident, write_csv

PAD_COLUMN = "附件材料"  # a column the ledger does not know: read, listed, not imported


def _ledger(path, size: int):
    """A ledger of 40 rows, three of them bad, padded to exactly ``size`` bytes."""
    data = [
        [i, f"人{i}", ident(i), "望奎", f"镇{i % 3}", f"村{i % 5}", "", "13800000000", "是", ""]
        for i in range(1, 41)
    ]
    data[10][2] = ident(3)  # a duplicate of row 3
    data[20][2] = "12345"  # an ID number of the wrong length
    data[30][1] = ""  # no name
    header = [*HEADER, PAD_COLUMN]
    write_csv(path, [[*row, ""] for row in data], header=header)
    missing = size - path.stat().st_size
    assert missing > 0
    per_row, extra = divmod(missing, len(data))
    padded = [[*row, "x" * (per_row + (1 if i < extra else 0))] for i, row in enumerate(data)]
    write_csv(path, padded, header=header)
    assert path.stat().st_size == size
    return path


def _outcome(db, path):
    result = import_ledger(db, path, SYSTEM)
    stored = db.execute(
        "SELECT id_number, name, county_code, township_code, village_code, phone, "
        "wants_training FROM workers ORDER BY id_number"
    ).fetchall()
    rejected = [(p.row, p.id_text, p.reason) for p in result.rejected_rows]
    return result.counts(), rejected, result.unmapped, stored


@pytest.fixture
def spawned(monkeypatch):
    """How many checking processes were started."""
    started = []
    real_start = checking._start
    monkeypatch.setattr(checking, "_start", lambda *a: started.append(1) or real_start(*a))
    return started


def test_the_boundary_is_two_and_a_half_megabytes():
    assert checking.PROCESS_MIN_BYTES == 2_500_000


def test_a_file_just_under_the_size_is_checked_here_and_at_it_in_a_checking_process(
    tmp_path, spawned
):
    size = checking.PROCESS_MIN_BYTES
    small = _ledger(tmp_path / "under.csv", size - 1)
    here = _outcome(database.connect(tmp_path / "here.db"), small)
    assert spawned == []

    big = _ledger(tmp_path / "at.csv", size)
    there = _outcome(database.connect(tmp_path / "there.db"), big)
    assert spawned == [1]

    assert there == here
    counts, rejected, unmapped, stored = here
    assert (counts["new"], counts["rejected"]) == (37, 3)
    assert [row for row, _, _ in rejected] == [13, 23, 33]  # after the title and the header
    assert "重复" in rejected[0][2] and rejected[1][1] == "12345"
    assert unmapped == [("", PAD_COLUMN)]
    assert len(stored) == 37


def test_a_file_that_cannot_be_read_says_so_on_either_side_of_the_size(tmp_path, spawned):
    """Broken half way (an unclosed quote swallows the rest): refused whole, nothing written."""
    tail = ('41,"人41' + "y" * 200_000 + "\n").encode("gb18030")
    for name, size in (
        ("under", checking.PROCESS_MIN_BYTES - 1),
        ("at", checking.PROCESS_MIN_BYTES),
    ):
        path = _ledger(tmp_path / f"{name}.csv", size - len(tail))
        path.write_bytes(path.read_bytes() + tail)
        assert path.stat().st_size == size
        db = database.connect(tmp_path / f"{name}.db")
        before = list(db.conn.iterdump())
        with pytest.raises(UserError, match="CSV|单元格"):
            import_ledger(db, path, SYSTEM)
        assert list(db.conn.iterdump()) == before
        db.conn.close()
    assert spawned == [1]  # the file at the size only
