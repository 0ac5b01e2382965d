"""Verifying the chapter for ``mkdocs build`` (at once) and ``mkdocs serve`` (behind the
pages): pages are served at once, stale claims show as verifying, and when the run ends a
watched file brings a rebuild with their real statuses.

The state lives here, not in ``hooks.py``: MkDocs executes the hooks file anew for every
rebuild, while this module is imported once per process.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

from book import report
from book.sources import ROOT
from book.status import Status

log = logging.getLogger("mkdocs.plugins.book")
STATE: dict = {"command": None, "job": None, "tried": set()}


def verify(files: list[str], root: Path = ROOT) -> None:
    """Run the claim tests of ``files`` so that the report covers them freshly."""
    log.info("book: verifying %d stale test module(s): %s", len(files), " ".join(files))
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        *files,
        "-q",
        "-n",
        "auto",
        "-p",
        "no:randomly",
        "--no-header",
        "-p",
        "no:cacheprovider",
        "--continue-on-collection-errors",  # one broken module must not stop the others
    ]
    started, last = time.monotonic(), ""
    with subprocess.Popen(
        cmd,
        cwd=root,
        env={**os.environ, "BOOK_VERIFY": "0", "PYTHONDONTWRITEBYTECODE": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as run:
        for line in run.stdout:  # pytest -q ends each line of dots with "[ 42%]"
            line = line.rstrip()
            last = line or last
            done = re.search(r"\[\s*(\d+)%\]$", line)
            if done and int(done.group(1)) > 0:
                share, elapsed = int(done.group(1)) / 100, time.monotonic() - started
                log.info(
                    "book: verifying %3d%% · %.0f s · about %.0f s left",
                    share * 100,
                    elapsed,
                    elapsed * (1 - share) / share,
                )
    log.info("book: pytest: %s", last or "(no output)")


def flag(root: Path) -> Path:
    """The file a background verification touches when it ends (watched by the server;
    not the report itself: every build reads that, and a watched read rebuilds for ever)."""
    path = root / ".book" / "verified"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()
    return path


def _verify_then_flag(stale: list[str], root: Path) -> None:
    try:
        verify(stale, root)
    finally:
        _watching.wait(120)  # a run may end before the server watches: its touch would be lost
        flag(root).write_text(time.strftime("%Y-%m-%d %H:%M:%S\n"))


_watching = threading.Event()


def watched(server) -> None:
    """Called from ``on_serve``: set ``_watching`` once the server's file watcher runs (it
    starts just after ``on_serve`` returns, before the server answers)."""

    def wait() -> None:
        deadline = time.monotonic() + 120
        while not server.observer.is_alive() and time.monotonic() < deadline:
            _watching.wait(0.1)  # the watcher has no "started" event to wait for
        _watching.set()

    threading.Thread(target=wait, name="book-watching", daemon=True).start()


def verifying(stale: list[str], status: dict[str, Status], root: Path) -> dict[str, Status]:
    """Start verifying ``stale`` in a thread — unless a verification is under way (its end
    brings a rebuild, which starts the next) or these very files, unchanged, were verified
    already — and show their claims as verifying meanwhile."""
    key = tuple((f, report.fingerprint(root / f)) for f in stale)
    job = STATE["job"]
    if key not in STATE["tried"] and not (job and job.is_alive()):
        STATE["tried"].add(key)
        job = threading.Thread(target=_verify_then_flag, args=(stale, root), name="book-verify")
        job.start()
        STATE["job"] = job
    if not job.is_alive():
        return status  # tried already: what is still stale stays unverified
    return {
        claim: Status("verifying", st.results, st.missing) if st.missing else st
        for claim, st in status.items()
    }
