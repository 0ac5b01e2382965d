"""pytest plugin: timing claims get the CPUs to themselves, or say why they could not.

Every test of a run holds a shared slot; a test marked ``exclusive`` holds it
alone (a readers–writers lock on a file, across the pytest-xdist workers of
the run), then checks that no other program keeps the CPUs busy. The plugin also
sets how many workers ``-n auto`` starts and puts the timing claims first. Loaded for
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


@pytest.hookimpl(tryfirst=True)
def pytest_xdist_auto_num_workers(config):
    """``-n auto``: two workers per CPU. Most tests wait (on a child, a queue, a gate, a
    sleep the listing asks for) far more than they compute: one worker per CPU left the
    CPUs idle more than half of the run. Timing claims still run alone (the slot)."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None  # xdist's own setting wins
    return 2 * (os.cpu_count() or 1)


@pytest.hookimpl(trylast=True)  # after pytest-randomly has shuffled them
def pytest_collection_modifyitems(items):
    """Timing claims first, the rest after, each group in its (random) order: the
    workers start on them together, so they run one after another with the rest of the
    suite not yet started, instead of each waiting for every worker to come free."""
    items.sort(key=lambda item: item.get_closest_marker("exclusive") is None)


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


def _exclusive(item) -> bool:
    return item is not None and item.get_closest_marker("exclusive") is not None


NEXT_EXCLUSIVE = pytest.StashKey[bool]()
_kept: list[contextlib.ExitStack] = []  # the exclusive slot, kept while timing claims follow


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_protocol(item, nextitem):
    item.stash[NEXT_EXCLUSIVE] = _exclusive(nextitem)


@pytest.fixture(autouse=True)
def cpu_slot(request):
    """Shared for ordinary tests, exclusive for tests marked ``exclusive``. A worker
    keeps the exclusive slot from one timing claim to the next: let go in between, it
    would wait for every test that slipped in to finish."""
    if not _exclusive(request.node):
        with slot():
            yield
        return
    if not _kept:
        _kept.append(contextlib.ExitStack())
        _kept[0].enter_context(slot(exclusive=True))
    try:
        skip_unless_quiet()
        request.node.cpu_before = _cpu_seconds()
        yield
    finally:
        if not request.node.stash.get(NEXT_EXCLUSIVE, False):
            _kept.pop().close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A timing claim that fails says who else used the CPUs while it measured."""
    report = yield
    if report.failed and call.when == "call" and hasattr(item, "cpu_before"):
        use = _cpu_use(item.cpu_before, _cpu_seconds())
        report.sections.append(("CPU time used while this timing claim ran", use))
    return report


def _cpu_seconds() -> tuple[float, dict[int, tuple[str, float]]]:
    """The machine's busy CPU seconds so far, and each running process's share."""
    t = psutil.cpu_times()
    busy = t.user + t.system + sum(getattr(t, f, 0.0) for f in ("nice", "irq", "softirq"))
    procs = {}
    for p in psutil.process_iter(["name", "cpu_times"]):
        times = p.info["cpu_times"]
        if times is not None:
            procs[p.pid] = (p.info["name"], times.user + times.system)
    return busy, procs


def _cpu_use(before, after) -> str:
    """Who used the CPUs between two ``_cpu_seconds`` readings, the biggest users first."""
    used = {
        (pid, name): seconds - before[1][pid][1]
        for pid, (name, seconds) in after[1].items()
        if pid in before[1] and seconds > before[1][pid][1]
    }
    lines = [
        f"{s:8.3f} s  pid {pid} ({name})"
        for (pid, name), s in sorted(used.items(), key=lambda kv: -kv[1])[:8]
    ]
    short_lived = after[0] - before[0] - sum(used.values())
    lines.append(
        f"{short_lived:8.3f} s  processes that started or ended meanwhile "
        "(this test's own among them)"
    )
    return "\n".join(lines)


@contextlib.contextmanager
def slot(exclusive: bool = False):
    """Hold the run's CPU slot: shared, or ``exclusive`` (nothing else of the run runs).

    Fixtures wider than a test are set up before ``cpu_slot``, so they take the slot
    themselves with this (a worker that holds it alone, between two timing claims, has
    it already), and so do the site's captures of timed runs (``TIMED``).
    A waiting exclusive holder goes first: it holds the turnstile, which a shared
    holder passes on its way in, so the shared ones cannot keep it out for ever
    (``flock`` alone has no such order)."""
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")  # the same in every worker of a run
    if fcntl is None or not run:  # no workers: nothing else of this run is running
        yield
        return
    if _kept and not exclusive:  # this worker holds it alone already (a timing claim's
        yield  # wider fixture, set up between two timing claims): waiting would deadlock
        return
    base = Path(tempfile.gettempdir()) / f"pytest-cpu-slot-{run}"
    with open(f"{base}.turnstile", "w") as turnstile, open(f"{base}.lock", "w") as f:
        try:
            if exclusive:
                fcntl.flock(turnstile, fcntl.LOCK_EX)  # no new shared holder from now on
                fcntl.flock(f, fcntl.LOCK_EX)  # once the shared ones have finished
            else:
                fcntl.flock(turnstile, fcntl.LOCK_SH)  # waits while an exclusive one waits
                fcntl.flock(f, fcntl.LOCK_SH)
                fcntl.flock(turnstile, fcntl.LOCK_UN)
            yield
        finally:
            with contextlib.suppress(OSError):
                fcntl.flock(f, fcntl.LOCK_UN)
                fcntl.flock(turnstile, fcntl.LOCK_UN)
