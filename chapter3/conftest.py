"""Fixtures shared by every claim test: start methods, and the no-leak guard."""

from __future__ import annotations

import contextlib
import multiprocessing
import threading
from pathlib import Path

import psutil
import pytest

try:
    import fcntl
except ImportError:  # Windows: no exclusive slot, timing tests share the CPU
    fcntl = None

START_METHODS = multiprocessing.get_all_start_methods()
CPU_LOCK = Path(__file__).resolve().parent.parent / ".book" / "cpu.lock"
GRACE = 10.0  # seconds a test's leftovers get to finish before they count as leaks
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
    """A readers-writers lock across pytest-xdist workers: ordinary tests share the
    machine, a test marked ``exclusive`` waits until it has it alone."""
    if fcntl is None:
        yield
        return
    CPU_LOCK.parent.mkdir(exist_ok=True)
    exclusive = request.node.get_closest_marker("exclusive") is not None
    with open(CPU_LOCK, "w") as f:
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


@pytest.fixture(autouse=True)
def no_leaks():
    """Fail a test that leaves a process or thread behind, and clean up after it."""
    threads_before = set(threading.enumerate())
    pids_before = _descendants()
    yield
    leaked = []
    for proc in multiprocessing.active_children():
        proc.join(GRACE)
        if proc.is_alive():
            leaked.append(f"process {proc.name} (pid {proc.pid})")
            proc.kill()
            proc.join(GRACE)
    for pid in _descendants() - pids_before:
        try:
            p = psutil.Process(pid)
            p.wait(GRACE)
        except psutil.TimeoutExpired:
            leaked.append(f"descendant pid {pid}")
            p.kill()
        except psutil.Error:
            pass
    for thread in set(threading.enumerate()) - threads_before:
        thread.join(GRACE)
        if thread.is_alive():
            leaked.append(f"thread {thread.name}")
    assert not leaked, f"the test left behind: {', '.join(leaked)}"
