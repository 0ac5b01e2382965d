"""The CPU slot: a timing claim that fails says who else used the CPUs meanwhile."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
import pytest

from book import cpu_slot
from chapter3.kit.listing import asleep, until

SPINNER = "import time\nwhile time.process_time() < 30: pass\n"

FAILING_TIMING_CLAIM = """
import pytest

@pytest.mark.exclusive
def test_too_slow():
    assert 1 > 2
"""


def test_the_cpu_use_names_a_busy_process():
    spinner = subprocess.Popen([sys.executable, "-c", SPINNER])
    try:
        before = cpu_slot._cpu_seconds()
        deadline = time.monotonic() + 30
        while psutil.Process(spinner.pid).cpu_times().user < 0.3:  # let it burn some CPU
            assert time.monotonic() < deadline, "the spinner never got the CPU"
        use = cpu_slot._cpu_use(before, cpu_slot._cpu_seconds())
    finally:
        spinner.kill()
        spinner.wait(10)
    mine = [line for line in use.splitlines() if f"pid {spinner.pid} " in line]
    assert mine, use
    assert float(mine[0].split()[0]) >= 0.2


def test_a_failing_timing_claim_reports_who_used_the_cpus(project, monkeypatch):
    monkeypatch.setattr(cpu_slot, "skip_unless_quiet", lambda: None)  # the suite runs around it
    project.write("test_timing.py", FAILING_TIMING_CLAIM)
    done = project.run("-p", "book.cpu_slot", "-rN")
    out = "\n".join(done.outlines)
    assert done.ret == 1, out
    assert "CPU time used while this timing claim ran" in out
    assert "processes that started or ended meanwhile" in out


def test_an_ordinary_failure_has_no_cpu_section(project):
    project.write("test_plain.py", FAILING_TIMING_CLAIM.replace("@pytest.mark.exclusive\n", ""))
    done = project.run("-p", "book.cpu_slot")
    assert done.ret == 1, done.outlines
    assert "CPU time used" not in "\n".join(done.outlines)


@pytest.mark.skipif(cpu_slot.fcntl is None, reason="no CPU slot where there is no fcntl")
def test_a_waiting_timing_claim_goes_before_tests_that_come_after_it(monkeypatch):
    flock = cpu_slot.fcntl
    run = f"slot-test-{os.getpid()}-{time.monotonic_ns()}"
    monkeypatch.setenv("PYTEST_XDIST_TESTRUNUID", run)
    base = Path(tempfile.gettempdir()) / f"pytest-cpu-slot-{run}"
    order, inside, leave = [], threading.Event(), threading.Event()

    def ordinary(name, wait=False):
        with cpu_slot.slot():
            order.append(f"{name} in")
            inside.set()
            assert not wait or leave.wait(30)
            order.append(f"{name} out")

    def timing():
        with cpu_slot.slot(exclusive=True):
            order.append("timing in")

    def in_line() -> bool:  # the timing claim holds the turnstile: newcomers must wait
        with open(f"{base}.turnstile", "w") as f:
            try:
                flock.flock(f, flock.LOCK_SH | flock.LOCK_NB)
            except BlockingIOError:
                return True
            flock.flock(f, flock.LOCK_UN)
            return False

    first = threading.Thread(target=ordinary, args=("first", True))
    claim, late = threading.Thread(target=timing), threading.Thread(target=ordinary, args=("late",))
    try:
        first.start()
        assert inside.wait(30)
        claim.start()
        assert until(in_line), "the timing claim never got in line"
        late.start()
        assert until(lambda: late.native_id and asleep(late.native_id))  # waiting to get in
        assert order == ["first in"]  # the timing claim waits for the test already running
        leave.set()
        for t in (first, claim, late):
            t.join(30)
        assert order == ["first in", "first out", "timing in", "late in", "late out"]
    finally:
        leave.set()
        for suffix in (".lock", ".turnstile"):
            Path(f"{base}{suffix}").unlink(missing_ok=True)


CONSECUTIVE_TIMING_CLAIMS = """
import pytest
from book import cpu_slot

TAKEN = []
real_slot = cpu_slot.slot
cpu_slot.skip_unless_quiet = lambda: None  # the suite runs around this inner run


def counted(exclusive=False):
    TAKEN.append("exclusive" if exclusive else "shared")
    return real_slot(exclusive)


cpu_slot.slot = counted


@pytest.mark.exclusive
def test_timing_1():
    pass


def test_ordinary():  # would wait for ever if the exclusive slot were still held
    assert TAKEN == ["exclusive", "shared"]


@pytest.mark.exclusive
def test_timing_2():
    pass


@pytest.mark.exclusive
def test_timing_3():
    pass
"""


@pytest.mark.skipif(cpu_slot.fcntl is None, reason="no CPU slot where there is no fcntl")
def test_timing_claims_run_first_and_keep_the_slot_from_one_to_the_next(project, monkeypatch):
    run = f"slot-test-{os.getpid()}-{time.monotonic_ns()}"
    monkeypatch.setenv("PYTEST_XDIST_TESTRUNUID", run)
    project.write("test_timing.py", CONSECUTIVE_TIMING_CLAIMS)
    try:
        done = project.run("-p", "book.cpu_slot", "-v", "-o", "timeout=30", isolated=True)
    finally:
        for suffix in (".lock", ".turnstile"):
            (Path(tempfile.gettempdir()) / f"pytest-cpu-slot-{run}{suffix}").unlink(missing_ok=True)
    out = "\n".join(done.outlines)
    assert done.ret == 0, out
    order = [line.split("::")[1].split()[0] for line in done.outlines if "PASSED" in line]
    assert order == ["test_timing_1", "test_timing_2", "test_timing_3", "test_ordinary"]
