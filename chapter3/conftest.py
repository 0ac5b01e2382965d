"""Fixtures of every claim test: the start methods, and the no-leak guard."""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import sys
import threading
import time

import psutil
import pytest

from book.report import start_methods

START_METHODS = start_methods()
GRACE = 5.0  # seconds a test's leftovers get to finish before they count as leaks
PR_SET_CHILD_SUBREAPER = 36  # linux/prctl.h

if "forkserver" in START_METHODS:
    # The fork server imports the kit once, so every child it forks has it already (an
    # observed child unpickles its process class from it). "__main__" is meant to be
    # preloaded too, but Python 3.11's fork server never does it (it looks for a
    # "main_path" that the preparation data does not hold; §3.6).
    multiprocessing.set_forkserver_preload(["__main__", "chapter3.kit.observe"])


@pytest.fixture(params=START_METHODS)
def ctx(request):
    """A multiprocessing context for each start method this platform offers."""
    return multiprocessing.get_context(request.param)


def adopt_orphans() -> bool:
    """Make this process the "child subreaper" of its descendants (Linux): a process
    whose parent exits is then re-parented to this one, not to init, so the guard still
    finds a grandchild whose parent (the test's child) has exited. Elsewhere such an
    orphan is out of reach."""
    if not sys.platform.startswith("linux"):
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    return libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0


def _descendants() -> set[int]:
    """PIDs of this process's descendants that are not multiprocessing's helpers."""
    out = set()
    for child in psutil.Process().children(recursive=True):
        try:
            cmdline = " ".join(child.cmdline())
        except psutil.ZombieProcess:
            cmdline = ""  # it has ended; it may still need reaping
        except psutil.Error:
            continue
        if "forkserver" in cmdline or "resource_tracker" in cmdline:
            continue  # shared helpers that live as long as the test process
        out.add(child.pid)
    return out


def _processes(pids: set[int]) -> list[psutil.Process]:
    """The processes among ``pids`` that still run, or that ended and are ours to reap."""
    out = []
    for pid in sorted(pids):
        with contextlib.suppress(psutil.Error):
            p = psutil.Process(pid)
            if p.status() != psutil.STATUS_ZOMBIE or p.ppid() == os.getpid():
                out.append(p)
    return out


def _kill_leftovers(pids_before: set[int], deadline: float) -> list[str]:
    """Kill this test's processes that are still alive; say which they were.

    Its multiprocessing children are killed at once (they had their grace); its other
    processes (plain subprocesses, grandchildren, orphans it adopted) get until
    ``deadline`` to end: one that is ending as we look is no leak."""
    leaked = []
    for proc in multiprocessing.active_children():
        if proc.is_alive():
            leaked.append(f"process {proc.name} (pid {proc.pid})")
            proc.kill()
            proc.join(GRACE)
    multiprocessing.active_children()  # reaps the children multiprocessing knows of
    others = _processes(_descendants() - pids_before)
    _, alive = psutil.wait_procs(others, timeout=max(0.0, deadline - time.monotonic()))
    for p in alive:
        with contextlib.suppress(psutil.Error):
            leaked.append(f"descendant pid {p.pid} ({p.name()})")
            p.kill()
    psutil.wait_procs(alive, timeout=GRACE)  # and reaps those that are ours
    return leaked


class LeakGuard:
    """What a test leaves behind: the processes it started (their children too, even
    once their parent has exited) and its threads."""

    def __init__(self):
        adopt_orphans()
        self.threads = set(threading.enumerate())
        self.pids = _descendants()

    def finish(self, grace: float | None = None) -> list[str]:
        """Give the test's leftovers ``grace`` seconds (default :data:`GRACE`) to finish,
        then kill every process of the test still running (also when the test's time
        runs out meanwhile) and say what was left. A thread cannot be killed: one still
        running is named, and runs on."""
        deadline = time.monotonic() + (GRACE if grace is None else grace)
        leaked = []
        try:
            for proc in multiprocessing.active_children():
                proc.join(max(0.0, deadline - time.monotonic()))
            for thread in set(threading.enumerate()) - self.threads:
                thread.join(max(0.0, deadline - time.monotonic()))
                if thread.is_alive():
                    leaked.append(f"thread {thread.name} (a thread cannot be killed: it runs on)")
        finally:
            leaked += _kill_leftovers(self.pids, deadline)
        return leaked


@pytest.fixture(autouse=True)
def no_leaks():
    """Fail a test that leaves a process or thread behind, and clean up after it."""
    guard = LeakGuard()
    yield
    leaked = guard.finish()
    assert not leaked, f"the test left behind: {', '.join(leaked)}"
