"""pytest plugin of ``benchmarks.suite_cost``: what each test of a run spends.

Loaded only by that benchmark (``-p benchmarks.suite_probe``), with ``BOOK_PROBE`` naming
a folder. Each xdist worker appends one JSON line per test to its own file there: the
test's wall-clock interval, whether it held the CPUs alone, the processes it started
through ``multiprocessing`` (by start method), the fresh interpreters it launched and
the seconds it slept in ``time.sleep`` (sleeps of 10 ms or more, once over: polls are
shorter).
Children are not followed, except that a fork child inherits the counting of sleeps.
"""

from __future__ import annotations

import collections
import json
import multiprocessing
import multiprocessing.process
import os
import subprocess
import time
from pathlib import Path

import pytest

POLL = 0.01  # a sleep shorter than this is a poll, not a wait on purpose
_counts: collections.Counter = collections.Counter()


def _probe_file() -> Path:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return Path(os.environ["BOOK_PROBE"]) / f"{worker}.jsonl"


def _patch() -> None:
    start, popen, sleep = (
        multiprocessing.process.BaseProcess.start,
        subprocess.Popen.__init__,
        time.sleep,
    )

    def counted_start(self):
        method = self._start_method or multiprocessing.get_start_method()
        if os.getpid() == _counts["pid"]:
            _counts[f"start:{method}"] += 1
        return start(self)

    def counted_popen(self, *args, **kwargs):
        if os.getpid() == _counts["pid"]:
            _counts["interpreters"] += 1
        return popen(self, *args, **kwargs)

    def counted_sleep(seconds):
        t = time.monotonic()
        sleep(seconds)
        if seconds >= POLL:  # the time slept, once it is over (a process killed asleep: none)
            with open(Path(os.environ["BOOK_PROBE"]) / "sleeps", "a") as f:
                f.write(f"{os.environ.get('BOOK_PROBE_TEST', '')}\t{time.monotonic() - t}\n")

    multiprocessing.process.BaseProcess.start = counted_start
    subprocess.Popen.__init__ = counted_popen
    time.sleep = counted_sleep


def pytest_configure(config):
    if os.environ.get("BOOK_PROBE"):
        _counts["pid"] = os.getpid()
        _patch()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    if not os.environ.get("BOOK_PROBE"):
        return (yield)
    before = dict(_counts)
    os.environ["BOOK_PROBE_TEST"] = item.nodeid
    t0 = time.monotonic()
    try:
        return (yield)
    finally:
        t1 = time.monotonic()
        spent = {k: v - before.get(k, 0) for k, v in _counts.items() if k != "pid"}
        line = {
            "test": item.nodeid,
            "t0": t0,
            "t1": t1,
            "exclusive": item.get_closest_marker("exclusive") is not None,
            **{k: v for k, v in spent.items() if v},
        }
        with open(_probe_file(), "a", encoding="utf-8") as f:
            f.write(json.dumps(line) + "\n")
