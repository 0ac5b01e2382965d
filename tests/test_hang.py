"""A hung claim test fails within seconds and takes its child processes with it."""

from __future__ import annotations

import time

import psutil

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


def test_a_hung_test_times_out_and_its_child_is_killed(project, monkeypatch):
    project.guard()
    project.write("chapter3/test_hanging.py", HANGING)
    pid_file = project.path / "child.pid"
    monkeypatch.setenv("CHILD_PID_FILE", str(pid_file))
    start = time.monotonic()
    done = project.run("--timeout", "3", "chapter3", isolated=True)
    elapsed = time.monotonic() - start
    out = "\n".join(done.outlines)
    assert done.ret == 1, out
    assert "Timeout" in out
    assert "the test left behind: process" in out
    done.assert_outcomes(failed=1, passed=1, errors=2)  # the hang; each test's leftovers
    assert elapsed < 60
    pid = int(pid_file.read_text())
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
