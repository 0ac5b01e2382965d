"""The shared join with a timeout, with workers that really hang."""

from __future__ import annotations

import multiprocessing
import threading
import time

import psutil
import pytest

from chapter3 import waiting
from chapter3.waiting import join_all

TIMEOUT = 0.5  # what the caller allows; the default is waiting.TIMEOUT (30 s)


def test_hung_processes_are_killed_and_the_caller_hears_it_quickly():
    ctx = multiprocessing.get_context("fork")
    never = ctx.Event()  # never set: the workers block forever
    hung = [ctx.Process(target=never.wait, name=f"hung-{i}") for i in range(4)]
    done = ctx.Process(target=int, name="quick")
    for p in [*hung, done]:
        p.start()
    start = time.monotonic()
    try:
        with pytest.raises(TimeoutError) as raised:
            join_all([*hung, done], timeout=TIMEOUT)
        elapsed = time.monotonic() - start
        alive_after = [p.name for p in hung if p.is_alive()]
    finally:
        for p in hung:  # if join_all did not
            p.kill()
            p.join(10)
    assert alive_after == []
    # one deadline for all: four hung workers cost TIMEOUT, not four times it
    assert TIMEOUT <= elapsed < 3 * TIMEOUT < waiting.TIMEOUT / 10, elapsed
    assert str(raised.value) == (
        f"still running after {TIMEOUT} s: processes {[p.name for p in hung]} (killed)"
    )
    assert done.exitcode == 0
    assert all(p.exitcode == -9 for p in hung)  # killed, and reaped by the join
    assert not any(psutil.pid_exists(p.pid) for p in hung)
    assert multiprocessing.active_children() == []


def test_a_hung_thread_is_reported_and_left_running():
    release = threading.Event()
    hung = threading.Thread(target=release.wait, name="hung-thread")  # blocks until released
    hung.start()
    try:
        start = time.monotonic()
        with pytest.raises(TimeoutError) as raised:
            join_all([hung], timeout=TIMEOUT)
        assert time.monotonic() - start < 3 * TIMEOUT
        assert str(raised.value) == (
            f"still running after {TIMEOUT} s: threads ['hung-thread'] "
            "(a thread cannot be killed: it runs on)"
        )
        assert hung.is_alive()
    finally:
        release.set()
        hung.join(10)
    assert not hung.is_alive()


def test_workers_that_finish_in_time_raise_nothing():
    ctx = multiprocessing.get_context("fork")
    workers = [ctx.Process(target=int), threading.Thread(target=int)]
    for w in workers:
        w.start()
    join_all(workers, timeout=30)
    assert not any(w.is_alive() for w in workers)
