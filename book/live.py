"""Verifying the chapter for ``mkdocs build`` (at once) and ``mkdocs serve`` (behind the
pages): pages are served at once, stale claims show as verifying, and when the run ends a
watched file brings a rebuild with their real statuses.

The state lives here, not in ``hooks.py``: MkDocs executes the hooks file anew for every
rebuild, while this module is imported once per process.
"""

from __future__ import annotations

import logging
import os
import queue
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


_watching = threading.Event()
_jobs: queue.Queue = queue.Queue()


def watched(server) -> None:
    """Called from ``on_serve``: set ``_watching`` once the server's file watcher runs (it
    starts just after ``on_serve`` returns, before the server answers)."""

    def wait() -> None:
        deadline = time.monotonic() + 120
        while not server.observer.is_alive() and time.monotonic() < deadline:
            _watching.wait(0.1)  # the watcher has no "started" event to wait for
        _watching.set()

    threading.Thread(target=wait, name="book-watching", daemon=True).start()


def _work(root: Path) -> None:
    """The one background worker, for the server's life: verifications and captures one
    at a time (a capture beside a timing claim would take the CPUs it measures); the flag
    after each verification and whenever nothing is left. It starts once the server
    serves: the first build has the CPUs to itself, and the first page comes sooner."""
    _watching.wait(120)
    while True:
        kind, job = _jobs.get()
        try:
            job()
        except Exception:  # logged; the next job runs
            log.exception("book: a background job failed")
        finally:
            if kind == "verify":
                STATE["verifying"] = False
        if kind == "verify" or _jobs.empty():
            _watching.wait(120)  # a job may end before the server watches: its touch lost
            flag(root).write_text(time.strftime("%Y-%m-%d %H:%M:%S\n"))


def _queue_job(kind: str, job, root: Path) -> None:
    _jobs.put((kind, job))
    worker = STATE["job"]
    if not (worker and worker.is_alive()):
        STATE["job"] = threading.Thread(target=_work, args=(root,), name="book-live", daemon=True)
        STATE["job"].start()


def verifying(stale: list[str], status: dict[str, Status], root: Path) -> dict[str, Status]:
    """Verify ``stale`` behind the pages — unless these very files, unchanged, were
    verified already — and show their claims as verifying meanwhile."""
    key = tuple((f, report.fingerprint(root / f)) for f in stale)
    if key not in STATE["tried"] and not STATE.get("verifying"):
        STATE["tried"].add(key)
        STATE["verifying"] = True
        _queue_job("verify", lambda: verify(stale, root), root)
    if not STATE.get("verifying"):
        return status  # tried already: what is still stale stays unverified
    return {
        claim: Status("verifying", st.results, st.missing) if st.missing else st
        for claim, st in status.items()
    }


def capture_later(key: tuple, capture, root: Path) -> None:
    """Capture an example's run behind the pages (once per ``key``: what it runs, as it
    is now); the page shows it once the capture is done."""
    if key not in STATE["tried"]:
        STATE["tried"].add(key)
        _queue_job("capture", capture, root)
