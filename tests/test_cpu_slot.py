"""The CPU slot: a timing claim that fails says who else used the CPUs meanwhile."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import psutil
from conftest import inner_pytest

from book import cpu_slot

SPINNER = "import time\nwhile time.process_time() < 30: pass\n"

FAILING_TIMING_CLAIM = """
import pytest
import book.cpu_slot

book.cpu_slot.skip_unless_quiet = lambda: None  # measure even while the outer suite runs

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


def test_a_failing_timing_claim_reports_who_used_the_cpus(tmp_path):
    (tmp_path / "test_timing.py").write_text(textwrap.dedent(FAILING_TIMING_CLAIM))
    done = inner_pytest(tmp_path, "-p", "book.cpu_slot", "-rN", PYTEST_XDIST_TESTRUNUID="")
    assert done.returncode == 1, done.stdout
    assert "CPU time used while this timing claim ran" in done.stdout
    assert "processes that started or ended meanwhile" in done.stdout


def test_an_ordinary_failure_has_no_cpu_section(tmp_path):
    claim = FAILING_TIMING_CLAIM.replace("@pytest.mark.exclusive\n", "")
    (tmp_path / "test_plain.py").write_text(textwrap.dedent(claim))
    done = inner_pytest(tmp_path, "-p", "book.cpu_slot", PYTEST_XDIST_TESTRUNUID="")
    assert done.returncode == 1, done.stdout
    assert "CPU time used" not in done.stdout
