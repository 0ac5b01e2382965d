"""Claims of §3.3.4 about Example 3-10: where its tasks and callbacks run, which of its
output's orders hold on every run, and what ``join()`` is for."""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from book.cpu_slot import slot
from book.report import start_methods
from chapter3.kit.listing import observe, watching
from chapter3.process_pool import ex3_10_async_pool, without_join

ROOT = Path(__file__).resolve().parents[2]
WORKER = re.compile(r"(Fork|Spawn|ForkServer)PoolWorker-\d+")
MAIN = "MainProcess"
APPLIED, MAPPED = "calculator via apply_async", "calculator via map_async"  # task spans


def said(tl, lane=MAIN) -> list[float]:
    """When ``lane`` printed each of its lines."""
    return [e.t for e in tl.of("print", lane=lane)]


def worker_prints(tl) -> list:
    return [e for e in tl.of("print") if WORKER.fullmatch(e.lane)]


def callback(tl, value):
    (event,) = [e for e in tl.of("callback") if e.value == value]
    return event


@pytest.fixture(scope="module", params=start_methods())
def example(request):
    """Example 3-10 as the chapter runs it (``Pool(4)``), once per start method."""
    with slot():
        return observe(ex3_10_async_pool.main, request.param)


@pytest.mark.claim("pool-workers-are-processes-not-threads")
def test_example_3_10_tasks_run_in_worker_processes(example):
    tasks = example.timeline.spans("task")
    assert len(tasks) == 6 and all(WORKER.fullmatch(s.lane) for s in tasks)  # a main thread
    assert os.getpid() not in {s.pid for s in tasks}  # other processes than this one
    assert {e.lane for e in worker_prints(example.timeline)} <= {s.lane for s in tasks}


@pytest.mark.claim("example-3-10-fixed-order")
def test_example_3_10_what_every_run_prints_in_the_same_order(example):
    tl, result = example.timeline, example.result
    assert tl.of("print")[0].lane == MAIN  # "apply_async:" comes first
    assert result["third"] == 27
    assert sorted(repr(e.value) for e in tl.of("callback")) == ["1", "8", "[1, 8, 27]"]
    announced = said(tl)  # apply_async:, the value of get(), map_async:
    assert len(announced) == 3
    given = tl.spans("task", APPLIED)
    assert sorted(s.value for s in given) == [[1], [2], [3]]
    (third,) = [s for s in given if s.value == [3]]
    assert third.end < announced[1] < announced[2]
    for x in (1, 2):  # each callback after its own task's computation
        (task,) = [s for s in given if s.value == [x]]
        assert callback(tl, x**3).t > task.end
    mapped = tl.spans("task", MAPPED)
    whole = callback(tl, [1, 8, 27])
    assert len(mapped) == 3 and all(announced[2] < s.start and s.end < whole.t for s in mapped)
    assert len(worker_prints(tl)) == 6
    (join,) = tl.spans("join", "Pool-1")
    assert all(e.t < join.end for e in tl.of("callback"))


@pytest.mark.claim("example-3-10-callback-line-can-come-late")
def test_example_3_10_a_callback_line_after_map_async(ctx):
    with watching(ex3_10_async_pool.main, ctx.get_start_method()) as watch:
        second = watch.gate("task", APPLIED, value=(2,))  # the second task waits...
        watch.start(processes=2)
        assert second.arrived.wait(30)
        assert watch.until(lambda tl: len(said(tl)) == 3)  # ...until main said map_async:
        second.go.set()
        run = watch.wait()
    tl = run.timeline
    announced = said(tl)
    (held,) = [s for s in tl.spans("task", APPLIED) if s.value == [2]]
    assert announced[1] < announced[2] < held.end < callback(tl, 8).t
    assert run.result["third"] == 27


@pytest.mark.claim("example-3-10-map-async-line-position")
def test_without_get_map_async_line_can_be_first(ctx):
    with watching(ex3_10_async_pool.main, ctx.get_start_method()) as watch:
        held = [watch.gate("task", APPLIED, nth=k) for k in (1, 2, 3)]  # every apply_async task
        watch.start(use_get=False)
        assert watch.until(lambda tl: len(said(tl)) == 2)
        for gate in held:
            gate.go.set()
        run = watch.wait()
    lines = run.timeline.of("print")
    assert [e.lane for e in lines[:2]] == [MAIN, MAIN]  # apply_async:, map_async:
    assert run.result["third"] is None and len(said(run.timeline)) == 2


@pytest.mark.claim("example-3-10-map-async-line-position")
def test_without_get_map_async_line_can_come_after_the_workers(ctx):
    with watching(ex3_10_async_pool.main, ctx.get_start_method()) as watch:
        late = watch.gate("print", lane=MAIN, nth=2, before=True)  # main, before map_async:
        watch.start(use_get=False)
        assert late.arrived.wait(30)
        assert watch.until(lambda tl: len(worker_prints(tl)) == 3)
        late.go.set()
        run = watch.wait()
    tl = run.timeline
    announced = said(tl)
    assert len(announced) == 2  # no get() line
    assert len([e for e in worker_prints(tl) if e.t < announced[1]]) == 3


@pytest.mark.claim("pool-join-waits-for-pending-callbacks")
def test_a_program_without_join_drops_pending_callbacks(ctx):
    method = ctx.get_start_method()
    code = (
        "import multiprocessing as mp; from chapter3.process_pool import without_join as m; "
        f"m.main(mp.get_context({method!r}), work=60)"
    )
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert time.monotonic() - start < 30  # the pool was ended at exit, not waited for
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines() == ["map_async:", "程序到达末尾"]  # no callback line


@pytest.mark.claim("pool-join-waits-for-pending-callbacks")
def test_a_program_with_join_gets_its_callback(ctx):
    run = observe(without_join.main, ctx.get_start_method(), join=True, work=0.05)
    tl = run.timeline
    (whole,) = tl.of("callback")
    assert whole.value == [1, 8, 27]
    (join,) = tl.spans("join", "Pool-1")
    end = said(tl)[-1]  # "the program reaches its end"
    assert all(s.end < whole.t for s in tl.spans("task")) and whole.t < join.end < end
    assert all(s.end < math.inf for s in tl.spans("task"))
