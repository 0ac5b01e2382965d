"""Fixtures of every claim test: the start methods, and the no-leak guard."""

from __future__ import annotations

import contextlib
import multiprocessing
import threading
import time

import psutil
import pytest

START_METHODS = multiprocessing.get_all_start_methods()
GRACE = 5.0  # seconds a test's leftovers get to finish before they count as leaks


@pytest.fixture(params=START_METHODS)
def ctx(request):
    """A multiprocessing context for each start method this platform offers."""
    return multiprocessing.get_context(request.param)


def _descendants() -> set[int]:
    """PIDs of this process's descendants that are not multiprocessing's helpers."""
    out = set()
    for child in psutil.Process().children(recursive=True):
        try:
            cmdline = " ".join(child.cmdline())
        except psutil.Error:
            continue
        if "forkserver" in cmdline or "resource_tracker" in cmdline:
            continue  # shared helpers that live as long as the test process
        out.add(child.pid)
    return out


def _kill_leftovers(pids_before: set[int]) -> list[str]:
    """Kill this test's processes that are still alive; say which they were."""
    leaked = []
    for proc in multiprocessing.active_children():
        if proc.is_alive():
            leaked.append(f"process {proc.name} (pid {proc.pid})")
            proc.kill()
            proc.join(GRACE)
    for pid in _descendants() - pids_before:
        with contextlib.suppress(psutil.Error):
            p = psutil.Process(pid)
            if p.status() != psutil.STATUS_ZOMBIE:
                leaked.append(f"descendant pid {pid}")
                p.kill()
                p.wait(GRACE)
    return leaked


@pytest.fixture(autouse=True)
def no_leaks():
    """Fail a test that leaves a process or thread behind, and clean up after it.

    Leftovers get a grace period to finish; whatever is still running after it,
    or when the test's time runs out during it, is killed.
    """
    threads_before = set(threading.enumerate())
    pids_before = _descendants()
    yield
    leaked = []
    try:
        deadline = time.monotonic() + GRACE
        for proc in multiprocessing.active_children():
            proc.join(max(0.0, deadline - time.monotonic()))
        for thread in set(threading.enumerate()) - threads_before:
            thread.join(max(0.0, deadline - time.monotonic()))
            if thread.is_alive():
                leaked.append(f"thread {thread.name}")
    finally:
        leaked += _kill_leftovers(pids_before)
    assert not leaked, f"the test left behind: {', '.join(leaked)}"
