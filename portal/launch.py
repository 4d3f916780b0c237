"""The command line that starts the portal, the same for ``build.py serve``, the browser tests
and the benchmarks.

Why one place: a flag added for the real server (or taken away) must reach what the tests and
the benchmarks measure, or they measure another program.
"""

from __future__ import annotations

import sys
from pathlib import Path

APP = Path(__file__).resolve().parent / "app.py"


def portal_command(port: int, host: str = "127.0.0.1", *, watch_files: bool = True) -> list[str]:
    """``streamlit run portal/app.py`` on ``host:port``, headless, no usage statistics.

    ``watch_files=False`` for the portals the tests and benchmarks start and throw away: a
    watcher over the source tree only costs them start-up time.
    """
    argv = [sys.executable, "-m", "streamlit", "run", str(APP), "--server.port", str(port),
            "--server.address", host, "--server.headless", "true",
            "--browser.gatherUsageStats", "false"]  # fmt: skip
    if not watch_files:
        argv += ["--server.fileWatcherType", "none"]
    return argv
