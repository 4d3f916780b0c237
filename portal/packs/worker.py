"""A rendering process: reads pickled jobs on stdin, writes pickled results on stdout.

Why not multiprocessing: a spawned child re-imports the parent's main module (build.py, the
portal, a test runner), which drags in the database layer and pandas (~90 MB a process) and
runs whatever that module does at import. This process imports only the renderer.
Only the parent that started it writes to its stdin; nothing else is unpickled.
"""

from __future__ import annotations

import ctypes
import os
import pickle
import sys
import traceback

JOBS = ("mingbai_pdf", "render_chunk", "warm_up")


def main() -> None:
    results = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything printed by libraries goes to stderr, never into the results
    jobs = sys.stdin.buffer
    from portal.packs import render

    while True:
        try:
            name, args = pickle.load(jobs)
        except EOFError:
            return
        try:
            if name not in JOBS:
                raise ValueError(f"unknown job {name}")
            reply = ("ok", getattr(render, name)(*args))
        except Exception:  # reported to the parent, which raises it there
            reply = ("error", traceback.format_exc())
        pickle.dump(reply, results)
        results.flush()
        _return_freed_memory()


def _return_freed_memory() -> None:
    """Hand the memory a job freed back to the system (glibc keeps it otherwise).

    Why: a chunk's layout is freed when the job ends, but glibc's heap keeps the pages, so
    the process would sit at its largest chunk's size while the parent renders and merges,
    and all of them must fit in 800 MB together (bench/bench_packs.py).
    """
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to hand back this way
        pass


if __name__ == "__main__":
    main()
