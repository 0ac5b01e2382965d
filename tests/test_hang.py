"""A hung claim test fails within seconds and takes its child processes with it."""

from __future__ import annotations

import shutil
import time

import psutil
from conftest import inner_pytest

from book.sources import ROOT

HANGING = """
import multiprocessing
import os
import time


def _forever():
    time.sleep(600)


def test_hangs_with_a_child():
    child = multiprocessing.get_context("spawn").Process(target=_forever)
    child.start()
    with open(os.environ["CHILD_PID_FILE"], "w") as f:
        f.write(str(child.pid))
    time.sleep(600)  # the test hangs here


def test_leaves_a_child_behind():
    multiprocessing.get_context("fork").Process(target=_forever, daemon=True).start()
"""


def test_a_hung_test_times_out_and_its_child_is_killed(tmp_path):
    pkg = tmp_path / "chapter3"
    pkg.mkdir()
    shutil.copy(ROOT / "chapter3" / "conftest.py", pkg / "conftest.py")
    (pkg / "test_hanging.py").write_text(HANGING)
    pid_file = tmp_path / "child.pid"
    start = time.monotonic()
    done = inner_pytest(tmp_path, "--timeout", "3", str(pkg), CHILD_PID_FILE=str(pid_file))
    elapsed = time.monotonic() - start
    assert done.returncode == 1, done.stdout
    assert "Timeout" in done.stdout
    assert "the test left behind: process" in done.stdout
    assert "1 failed" in done.stdout and "2 errors" in done.stdout  # the hang, then leaks
    assert elapsed < 60
    pid = int(pid_file.read_text())
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
