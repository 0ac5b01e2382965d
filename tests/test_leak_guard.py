"""The leak guard in the hard cases: each way a test can leave something running.

Each case checks both halves: the leftover is *reported* (so the test fails) and,
for a process, *killed* (so the next test starts clean): afterwards its pid is gone.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import select
import subprocess
import sys
import threading
import time

import psutil
import pytest

from chapter3.conftest import LeakGuard

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="child subreapers and pidfds are Linux's"
)
GRACE = 0.2
SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]
#: a child that starts a grandchild, prints its pid, then waits (or exits: "exit")
PARENT = """
import os, sys, time
pid = os.posix_spawn({sleeper!r}[0], {sleeper!r}, os.environ)
print(pid, flush=True)
if sys.argv[1] != "exit":
    time.sleep(60)
"""


def _read_pid(proc: subprocess.Popen) -> int:
    ready, _, _ = select.select([proc.stdout], [], [], 30)
    assert ready, "the child never said its child's pid"
    return int(proc.stdout.readline())


def _gone(*pids: int) -> bool:
    """Each pid has ended and been reaped (no zombie left either)."""
    return not any(psutil.pid_exists(pid) for pid in pids)


def _settle(child: subprocess.Popen) -> None:
    """Kill (if the guard did not) and wait, so the Popen object knows its child ended."""
    child.kill()
    child.wait(10)
    if child.stdout:
        child.stdout.close()


@pytest.fixture
def cleanup():
    """Whatever the guard missed (when it is broken) dies here, not in the next test."""
    pids: list[int] = []
    yield pids
    for pid in pids:
        with contextlib.suppress(psutil.Error):
            p = psutil.Process(pid)
            p.kill()
            p.wait(10)


def test_a_thread_left_running_is_reported_and_runs_on():
    guard = LeakGuard()
    release = threading.Event()
    thread = threading.Thread(target=release.wait, args=(30,), name="stuck-thread")
    thread.start()
    try:
        leaked = guard.finish(GRACE)
        assert leaked == ["thread stuck-thread (a thread cannot be killed: it runs on)"]
        assert thread.is_alive(), "no thread can be killed: it is only reported"
    finally:
        release.set()
        thread.join(10)
    assert not thread.is_alive()


def test_a_multiprocessing_child_is_reported_and_killed():
    guard = LeakGuard()
    child = multiprocessing.get_context("fork").Process(
        target=time.sleep, args=(60,), name="stuck-child"
    )
    child.start()
    try:
        leaked = guard.finish(GRACE)
        assert leaked == [f"process stuck-child (pid {child.pid})"]
        assert child.exitcode == -9 and _gone(child.pid)  # killed, and reaped
    finally:
        child.kill()  # if the guard did not
        child.join(10)


def test_a_plain_subprocess_child_is_reported_and_killed(cleanup):
    guard = LeakGuard()
    child = subprocess.Popen(SLEEPER)
    try:
        leaked = guard.finish(GRACE)
        assert len(leaked) == 1 and leaked[0].startswith(f"descendant pid {child.pid} ")
        assert _gone(child.pid)
    finally:
        _settle(child)


@pytest.mark.parametrize("parent", ["running", "exit"], ids=["parent-running", "parent-exited"])
def test_a_grandchild_is_reported_and_killed(cleanup, parent):
    """Its parent still runs, or has exited: then the grandchild is an orphan, and only
    a child subreaper (the guard makes the test process one) still finds it."""
    guard = LeakGuard()
    script = PARENT.format(sleeper=SLEEPER)
    child = subprocess.Popen(
        [sys.executable, "-c", script, parent], stdout=subprocess.PIPE, text=True
    )
    try:
        grandchild = _read_pid(child)
        cleanup.append(grandchild)
        if parent == "exit":
            assert child.wait(30) == 0
        leaked = guard.finish(GRACE)
        pids = {int(item.split()[2]) for item in leaked}
        assert pids == ({child.pid, grandchild} if parent == "running" else {grandchild}), leaked
        assert _gone(child.pid, grandchild)
    finally:
        _settle(child)


def test_a_child_that_ended_is_reaped_not_reported():
    """Nobody waited for it: it is a zombie, nothing to kill, and the guard reaps it."""
    guard = LeakGuard()
    quick = [sys.executable, "-c", "pass"]
    pid = os.posix_spawn(quick[0], quick, os.environ)
    fd = os.pidfd_open(pid)  # readable once it has ended; reading it reaps nothing
    try:
        assert select.select([fd], [], [], 30)[0], "the child never ended"
    finally:
        os.close(fd)
    assert psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    assert guard.finish(GRACE) == []
    assert _gone(pid)
