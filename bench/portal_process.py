"""A throwaway portal process for the benchmarks that drive it in Chromium.

Why here and not in tests/conftest.py: the benchmarks run without pytest, so they cannot use
its fixtures; both start the portal with ``portal.launch.portal_command``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

from portal.launch import portal_command

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_portal(db_file: Path, timeout: float = 90) -> tuple[subprocess.Popen, str]:
    """The portal on a free port against ``db_file``, once it answers its health check."""
    port = free_port()
    proc = subprocess.Popen(
        portal_command(port, watch_files=False),
        env={**os.environ, "PORTAL_DB": str(db_file)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,  # .streamlit/config.toml is read from the working directory
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2):
                return proc, url
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("portal did not start")
