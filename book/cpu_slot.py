"""pytest plugin: timing claims get the CPUs to themselves, or say why they could not.

Every test of a run holds a shared slot; a test marked ``exclusive`` holds it
alone (a readers–writers lock on a file, across the pytest-xdist workers of
the run), then checks that no other program keeps the CPUs busy. Loaded for
every run by ``-p book.cpu_slot`` in ``pyproject.toml``.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

import psutil
import pytest

try:
    import fcntl
except ImportError:  # Windows: no slot; timing tests share the CPUs with the run
    fcntl = None

QUIET = 50.0  # % of one CPU that other programs may use while a timing claim measures


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "exclusive: a timing claim; it runs alone, and only when other programs leave the "
        "CPUs free (otherwise it is skipped, saying how busy they were)",
    )


def skip_unless_quiet() -> None:
    """Timing claims are about free CPUs: measure how free they are first."""
    busy = sum(psutil.cpu_percent(interval=0.5, percpu=True))
    if busy > QUIET:
        pytest.skip(
            f"other programs kept the CPUs busy ({busy:.0f}% of one CPU, more than "
            f"{QUIET:.0f}%): a timing claim about free CPUs cannot be measured now"
        )


@pytest.fixture(autouse=True)
def cpu_slot(request):
    """Shared for ordinary tests, exclusive for tests marked ``exclusive``."""
    with slot(exclusive=request.node.get_closest_marker("exclusive") is not None):
        yield


@contextlib.contextmanager
def slot(exclusive: bool = False):
    """Hold the run's CPU slot. Fixtures wider than a test (a session's site build, say)
    are set up before ``cpu_slot``, so they take the slot themselves with this."""
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")  # the same in every worker of a run
    if fcntl is None or run is None:  # no workers: nothing else of this run is running
        if exclusive:
            skip_unless_quiet()
        yield
        return
    with open(Path(tempfile.gettempdir()) / f"pytest-cpu-slot-{run}.lock", "w") as f:
        fcntl.flock(f, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        try:
            if exclusive:
                skip_unless_quiet()
            yield
        finally:
            with contextlib.suppress(OSError):
                fcntl.flock(f, fcntl.LOCK_UN)
