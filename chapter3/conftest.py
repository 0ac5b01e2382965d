"""Fixtures of every claim test: start methods, timing slots, and the no-leak guard."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import tempfile
import threading
import time
from pathlib import Path

import psutil
import pytest

try:
    import fcntl
except ImportError:  # Windows: no exclusive slot, timing tests share the CPU
    fcntl = None

START_METHODS = multiprocessing.get_all_start_methods()
RUN_ID = os.environ.get("PYTEST_XDIST_TESTRUNUID")  # shared by the workers of one run
GRACE = 5.0  # seconds a test's leftovers get to finish before they count as leaks
QUIET = 50.0  # % of one CPU that other programs may use while a timing claim measures


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


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "exclusive: a timing claim; it runs alone, and only when other programs leave the "
        "CPUs free (otherwise it is skipped, saying how busy they were)",
    )


@pytest.fixture(autouse=True)
def cpu_slot(request):
    """A readers-writers lock across the pytest-xdist workers of one run: ordinary tests
    share the machine, a test marked ``exclusive`` waits until it has it alone."""
    exclusive = request.node.get_closest_marker("exclusive") is not None
    if fcntl is None or RUN_ID is None:  # no workers: nothing else of this run is running
        if exclusive:
            _skip_unless_quiet()
        yield
        return
    with open(Path(tempfile.gettempdir()) / f"chapter3-cpu-{RUN_ID}.lock", "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        try:
            if exclusive:
                _skip_unless_quiet()
            yield
        finally:
            with contextlib.suppress(OSError):
                fcntl.flock(f, fcntl.LOCK_UN)


def _skip_unless_quiet() -> None:
    """Timing claims are about free CPUs: measure how free they are first."""
    busy = sum(psutil.cpu_percent(interval=0.5, percpu=True))
    if busy > QUIET:
        pytest.skip(
            f"other programs kept the CPUs busy ({busy:.0f}% of one CPU, more than "
            f"{QUIET:.0f}%): a timing claim about free CPUs cannot be measured now"
        )


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
