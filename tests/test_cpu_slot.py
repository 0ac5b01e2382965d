"""The CPU slot: a timing claim that fails says who else used the CPUs meanwhile."""

from __future__ import annotations

import subprocess
import sys
import time

import psutil

from book import cpu_slot

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
