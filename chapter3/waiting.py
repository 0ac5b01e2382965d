"""Waiting without hanging: the one way every section starts, joins and gives up.

Every blocking call of the book has a timeout. ``join_all`` joins processes or
threads; a process still running after the timeout is killed (a thread cannot
be), and either way the caller gets a ``TimeoutError`` naming what hung.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterable

TIMEOUT = 30.0  # seconds any blocking call may wait before an example gives up


def context(ctx=None):
    """The multiprocessing context to use: the one given, or the platform's default."""
    return ctx or multiprocessing.get_context()


def join_all(workers: Iterable, timeout: float = TIMEOUT) -> None:
    """Join every process or thread; raise ``TimeoutError`` naming those still running.

    Processes still alive after ``timeout`` are killed and reaped first; a thread
    cannot be killed from outside, so a hung thread is only reported.
    """
    workers = list(workers)
    for w in workers:
        w.join(timeout)
    hung = [w for w in workers if w.is_alive()]
    for w in hung:
        if hasattr(w, "kill"):
            w.kill()
            w.join(timeout)
    if hung:
        raise TimeoutError(f"{[w.name for w in hung]} still running after {timeout} s")
