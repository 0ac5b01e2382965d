"""Waiting without hanging: the one way every section starts, joins and gives up.

Every blocking call of the book has a timeout. ``join_all`` joins processes or
threads; a process still running after the timeout is killed (a thread cannot
be), and either way the caller gets a ``TimeoutError`` naming what hung.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Iterable

TIMEOUT = 30.0  # seconds any blocking call may wait before an example gives up
REAP = 5.0  # seconds a killed process gets to die and be reaped


def context(ctx=None):
    """The multiprocessing context to use: the one given, or the platform's default."""
    return ctx or multiprocessing.get_context()


def join_all(workers: Iterable, timeout: float = TIMEOUT) -> None:
    """Join every process or thread within ``timeout`` seconds in all; raise
    ``TimeoutError`` naming those still running then.

    Processes still alive at the deadline are killed and reaped first; a thread
    cannot be killed from outside, so a hung thread is only reported.
    """
    workers = list(workers)
    deadline = time.monotonic() + timeout
    for w in workers:
        w.join(max(0.0, deadline - time.monotonic()))
    hung = [w for w in workers if w.is_alive()]
    for w in hung:
        if hasattr(w, "kill"):
            w.kill()
            w.join(REAP)
    if hung:
        killed = [w.name for w in hung if hasattr(w, "kill")]
        threads = [w.name for w in hung if not hasattr(w, "kill")]
        parts = [f"processes {killed} (killed)"] if killed else []
        if threads:
            parts.append(f"threads {threads} (a thread cannot be killed: it runs on)")
        raise TimeoutError(f"still running after {timeout} s: {'; '.join(parts)}")
