"""A whole ledger import in a process of its own, for the portal's 台账 upload.

Why: the portal is one long-lived process serving every user. Importing an upload of the
portal's largest size (50 MB, about 450,000 rows) in it made that process grow by the
importer's own working set (the written rows, the page cache, the rejected rows) and never
give the memory back to the system. In a process of its own the import uses what it needs and
returns it all when it exits; the portal holds only the result (counts and the named rows).
The import is still one transaction (``importer.py``): the child commits all or nothing, and
a child that dies, or is ended because the page stopped, leaves the database as it was.

Protocol: one pickled job on stdin ``(db path, file path, actor, county, file name)``; one
pickled reply on stdout, ``("result", ImportResult)``, ``("user-error", message)`` or
``("error", traceback)``.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import traceback
from pathlib import Path

import sqlite_utils

from portal.errors import UserError
from portal.scope import Actor

DIED = "导入台账的进程意外退出，本次导入没有保存任何数据，请重新导入。"


def import_in_process(
    db: sqlite_utils.Database,
    source: str | Path,
    actor: Actor,
    *,
    county: str | None = None,
    file_name: str | None = None,
):
    """``importer.import_ledger`` run in a child process on ``db``'s file; its result, or its
    UserError. The portal's own connection sees the import once the child has committed."""
    db_path = database_file(db)
    root = str(Path(__file__).resolve().parent.parent.parent)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])),
        "RUST_BACKTRACE": "0",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "portal.ledger.import_process"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        cwd=root,
        env=env,
    )
    replied = False
    try:
        job = (str(Path(db_path).resolve()), str(Path(source).resolve()), actor, county, file_name)
        pickle.dump(job, proc.stdin)
        proc.stdin.close()
        try:
            kind, value = pickle.load(proc.stdout)
        except (EOFError, pickle.UnpicklingError):
            raise UserError(DIED) from None
        replied = True
    finally:
        # Stopped before the reply (the page was left, the server stops): end the child, whose
        # transaction then rolls back; after the reply it is only exiting.
        if not replied and proc.poll() is None:
            proc.kill()
        proc.wait()
        proc.stdout.close()
    if kind == "result":
        return value
    if kind == "user-error":
        raise UserError(value)
    raise RuntimeError(f"ledger import failed in process {proc.pid}:\n{value}")


def database_file(db: sqlite_utils.Database) -> str:
    """The file behind a connection (the child opens its own: connections are not shared)."""
    for _, name, file in db.conn.execute("PRAGMA database_list"):
        if name == "main" and file:
            return file
    raise RuntimeError("ledger import needs a database file, not an in-memory database")


def main() -> None:
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything a library prints goes to stderr, never into the reply
    db_path, source, actor, county, file_name = pickle.load(sys.stdin.buffer)
    from portal import db as database
    from portal.ledger.importer import import_ledger

    try:
        db = database.connect(db_path)
        try:
            result = import_ledger(db, source, actor, county=county, file_name=file_name)
        finally:
            db.conn.close()
        reply: tuple = ("result", result)
    except UserError as exc:
        reply = ("user-error", str(exc))
    except Exception:  # reported to the portal, which raises it there
        reply = ("error", traceback.format_exc())
    pickle.dump(reply, out, protocol=pickle.HIGHEST_PROTOCOL)
    out.close()


if __name__ == "__main__":
    # Through the package: one copy of this module, under its own name, not __main__.
    from portal.ledger import import_process

    import_process.main()
