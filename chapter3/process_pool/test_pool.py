"""Claims of §3.3.4 about the pool itself: its workers, who runs what, the four ways to
hand it work, its results and errors, and how it ends."""

from __future__ import annotations

import inspect
import json
import math
import multiprocessing
import multiprocessing.pool
import os
import re
import signal
import sys

import pytest

from chapter3.kit.events import high_water_of
from chapter3.kit.listing import observe, watching
from chapter3.kit.run import captured_fresh
from chapter3.process_pool import (
    apply_vs_apply_async,
    args_comma,
    get_timeout,
    lambda_task,
    map_order,
    pool_misuse,
    pool_size,
    sync_vs_async,
    task_error,
    who_runs_what,
    with_exit,
)

WORKER = re.compile(r"(Fork|Spawn|ForkServer)PoolWorker-\d+")
MAIN = "MainProcess"


def said(tl, lane=MAIN) -> list[float]:
    """When ``lane`` printed each of its lines."""
    return [e.t for e in tl.of("print", lane=lane)]


def ended(tl, lane=None) -> list:
    """The tasks that ran to their end (in ``lane``), in the order they started."""
    return [s for s in tl.spans("task", lane=lane) if s.end < math.inf]


# --- the pool: how many workers, who runs what --------------------------------------------


@pytest.mark.claim("pool-size-defaults-to-cpu-count")
def test_pool_starts_its_workers_when_created(ctx):
    default = observe(pool_size.main, ctx.get_start_method()).result
    assert len(default["workers"]) == os.cpu_count() == default["cpu_count"]
    three = observe(pool_size.main, ctx.get_start_method(), processes=3).result
    assert len(three["workers"]) == 3
    assert all(WORKER.fullmatch(n) for n in default["workers"] + three["workers"])


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="needs CPU affinity (Linux)")
@pytest.mark.claim("pool-size-defaults-to-cpu-count")
def test_default_size_counts_cpus_not_usable_cpus(ctx):
    if (os.cpu_count() or 1) < 2:
        pytest.skip("needs a machine with two CPUs or more")
    # in a fresh interpreter: it pins its own process
    result = captured_fresh("process_pool.pool_size@one_cpu", ctx.get_start_method())["result"]
    assert result["usable_cpus"] == 1
    # 3.11 and 3.12 count every CPU (os.cpu_count); 3.13 counts usable ones
    expected = 1 if sys.version_info >= (3, 13) else result["cpu_count"]
    assert len(result["workers"]) == expected


@pytest.mark.claim("pool-worker-runs-many-tasks")
def test_a_free_worker_takes_the_next_task(ctx):
    with watching(who_runs_what.main, ctx.get_start_method()) as watch:
        zero = watch.gate("task", value=(0,))  # task 0 stays in the worker that took it
        watch.start(processes=2, tasks=6)
        assert zero.arrived.wait(30)
        assert watch.until(lambda tl: len(ended(tl)) == 5), "the other worker did not go on"
        zero.go.set()
        run = watch.wait()
    tl, done = run.timeline, run.result
    assert [x for x, _name, _pid in done] == list(range(6))
    pids = {pid for _x, _name, pid in done}
    assert len(pids) == 2 and os.getpid() not in pids  # two worker processes
    (held,) = tl.spans("gate", "Gate-1")
    other = [s for s in ended(tl) if s.lane != held.lane]
    assert [s.value for s in other] == [[1], [2], [3], [4], [5]]  # in input order
    assert high_water_of(other) == 1  # one after another
    assert all(s.end < held.end for s in other)  # all five done, task 0 still held
    assert len({s.lane for s in tl.spans("task")}) == 2


@pytest.mark.claim("pool-maxtasksperchild-replaces-workers")
def test_maxtasksperchild_one_gives_each_task_a_fresh_process(ctx):
    run = observe(who_runs_what.main, ctx.get_start_method(), tasks=4, maxtasksperchild=1)
    assert len({pid for _x, _name, pid in run.result}) == 4
    assert len({name for _x, name, _pid in run.result}) == 4
    assert len({s.lane for s in run.timeline.spans("task")}) == 4


@pytest.mark.claim("pool-chunksize-keeps-chunk-in-one-worker")
def test_a_chunk_runs_in_one_worker_one_task_after_another(ctx):
    # maxtasksperchild=1: a worker takes one chunk and leaves, so chunks cannot share one
    run = observe(who_runs_what.main, ctx.get_start_method(), chunksize=3, maxtasksperchild=1)
    assert len({pid for _x, _name, pid in run.result}) == 2
    for chunk in ([0, 1, 2], [3, 4, 5]):
        (lane,) = {s.lane for s in run.timeline.spans("task") if s.value[0] in chunk}
        mine = run.timeline.spans("task", lane=lane)
        assert [s.value for s in mine] == [[x] for x in chunk] and high_water_of(mine) == 1


# --- apply / apply_async / map / map_async ------------------------------------------------


@pytest.mark.claim("pool-apply-blocks-apply-async-does-not")
def test_apply_waits_apply_async_returns_at_once(ctx):
    with watching(apply_vs_apply_async.main, ctx.get_start_method()) as watch:
        later = watch.gate("task", nth=2, before=True)  # apply_async's task may not begin...
        watch.start()
        assert watch.until(lambda tl: len(said(tl)) == 2)  # ...yet apply_async() returned
        later.go.set()
        run = watch.wait()
    tl = run.timeline
    first, second = tl.spans("task")
    returned = said(tl)
    assert WORKER.fullmatch(first.lane) and first.end < returned[0]  # apply() waited
    assert returned[1] < second.start  # apply_async() returned before its task began
    assert run.result == {"apply": 8, "get": 27}


@pytest.mark.claim("pool-map-results-in-input-order")
def test_map_async_returns_input_order_whatever_the_finishing_order(ctx):
    with watching(map_order.main, ctx.get_start_method()) as watch:
        one, two = watch.gate("task", value=(1,)), watch.gate("task", value=(2,))
        watch.start()
        assert one.arrived.wait(30) and two.arrived.wait(30)
        assert watch.until(lambda tl: len(ended(tl)) == 1)  # 3 first
        two.go.set()
        assert watch.until(lambda tl: len(ended(tl)) == 2)  # then 2
        one.go.set()
        run = watch.wait()
    tl = run.timeline
    assert [s.value for s in sorted(ended(tl), key=lambda s: s.end)] == [[3], [2], [1]]
    assert run.result == {"values": [1, 8, 27], "callbacks": [[1, 8, 27]]}
    assert [e.value for e in tl.of("callback")] == [[1, 8, 27]]  # once, the whole list


@pytest.mark.claim("pool-map-results-in-input-order")
def test_blocking_methods_are_the_async_ones_plus_get():
    assert "self.apply_async(func, args, kwds).get()" in inspect.getsource(
        multiprocessing.pool.Pool.apply
    )
    assert "self._map_async(func, iterable, mapstar, chunksize).get()" in inspect.getsource(
        multiprocessing.pool.Pool.map
    )


@pytest.mark.exclusive  # a ratio of times: with the suite beside it, map's overhead grew 3x
@pytest.mark.claim("async-speedup-comes-from-submitting-early")
def test_speedup_comes_from_handing_over_all_tasks_first(ctx):
    run = observe(sync_vs_async.main, ctx.get_start_method(), processes=3, tasks=3, seconds=0.1)
    tl, took = run.timeline, run.result
    bounds = [-math.inf, *said(tl)]  # main says how long each way took, after it
    ways = {}
    for way, start, end in zip(took, bounds[:-1], bounds[1:], strict=True):
        ways[way] = [s for s in tl.spans("task") if start < s.start and s.end < end]
        assert len(ways[way]) == 3, way
    assert high_water_of(ways["apply"]) == 1  # one task at a time, whatever the pool's size
    assert high_water_of(ways["apply_async"]) >= 2 and high_water_of(ways["map"]) >= 2
    # ideal ratio 3 (three tasks of 0.1 s on three workers); sleeps need no free CPU
    assert took["apply"] > 1.5 * took["apply_async"], took
    assert took["apply"] > 1.5 * took["map"], took
    (own,) = tl.spans("sleep", lane=MAIN)  # what only the async call gives: main works too
    assert any(s.overlaps(own) for s in ways["map_async"])


# --- AsyncResult ---------------------------------------------------------------------------


@pytest.mark.claim("pool-get-timeout-raises-multiprocessing-timeouterror")
def test_get_timeout_raises_and_the_task_goes_on(ctx):
    with watching(get_timeout.main, ctx.get_start_method()) as watch:
        task = watch.gate("task")  # held until get(timeout) has given up
        watch.start(timeout=0.2, work=0)
        assert watch.until(lambda tl: len(said(tl)) == 1)  # get(timeout) gave up
        task.go.set()
        run = watch.wait()
    r = run.result
    assert r["ready_before"] is False and r["not_ready"].startswith("ValueError")
    assert r["not_ready"].endswith("not ready")
    assert r["error"] == "multiprocessing.context.TimeoutError" and r["waited"] >= 0.18
    assert (r["value"], r["ready"], r["successful"]) == (27, True, True)
    assert not issubclass(multiprocessing.TimeoutError, TimeoutError)  # not the built-in one
    (span,) = run.timeline.spans("task")
    assert said(run.timeline)[0] < span.end  # the task was still running when get gave up


@pytest.mark.claim("pool-task-exception-reraised-by-get")
def test_task_exception_travels_back_to_get(ctx):
    r = observe(task_error.main, ctx.get_start_method()).result
    raised, remote = r["apply_async"]
    assert raised == "ValueError: bad input 1"
    assert "in fail" in remote and "ValueError: bad input 1" in remote
    assert r["successful"] is False and r["callbacks"] == []
    assert sorted(map(repr, r["errors"])) == [
        "ValueError('bad input 1')",
        "ValueError('bad input 2')",
    ]
    assert r["map_async"][0] == "ValueError: bad input 2"
    # the pool goes on with the same worker processes: none died, none was replaced
    assert r["after"] == [1, 27] and r["same_workers"]


# --- close / join / terminate, misuse -------------------------------------------------------


@pytest.mark.claim("pool-misuse-raises-valueerror")
def test_pool_misuse_gets_value_errors(ctx):
    positive = "ValueError: maxtasksperchild must be a positive int or None"
    assert observe(pool_misuse.main, ctx.get_start_method()).result == {
        "Pool(0)": "ValueError: Number of processes must be at least 1",
        "Pool(1, maxtasksperchild=0)": positive,
        "join() before close()": "ValueError: Pool is still running",
        "apply_async() after close()": "ValueError: Pool not running",
        "map() after close()": "ValueError: Pool not running",
        "apply() after terminate()": "ValueError: Pool not running",
    }


@pytest.mark.claim("pool-task-function-must-pickle")
def test_a_lambda_fails_at_get_under_every_start_method(ctx):
    run = observe(lambda_task.main, ctx.get_start_method())
    assert run.result["error"].startswith(("AttributeError: Can't pickle local object", "Pickl"))
    assert said(run.timeline)[0] < said(run.timeline)[1]  # apply_async() itself went on
    assert not run.timeline.spans("task")  # it never reached a worker


@pytest.mark.claim("pool-with-exit-terminates-pending-tasks")
def test_leaving_with_kills_running_tasks(ctx):
    with watching(with_exit.main, ctx.get_start_method()) as watch:
        leaving = watch.gate("print", lane=MAIN, before=True)  # main, before it leaves
        watch.start(work=60)
        assert leaving.arrived.wait(30)
        assert watch.until(lambda tl: len(tl.open("task")) == 2)  # both tasks at work
        leaving.go.set()
        run = watch.wait()
    r = run.result
    assert r["values"] == ["TimeoutError", "TimeoutError"] and r["callbacks"] == []
    assert r["exitcodes"] == [-signal.SIGTERM, -signal.SIGTERM]
    tasks = run.timeline.spans("task")
    assert len(tasks) == 2 and all(s.end == math.inf for s in tasks)  # killed in the middle
    assert not run.timeline.of("callback")


@pytest.mark.claim("pool-with-exit-terminates-pending-tasks")
def test_pool_exit_is_terminate():
    source = inspect.getsource(multiprocessing.pool.Pool.__exit__)
    assert "self.terminate()" in source and "close()" not in source


@pytest.mark.claim("pool-with-exit-terminates-pending-tasks")
def test_close_and_join_inside_with_let_tasks_finish(ctx):
    run = observe(with_exit.main, ctx.get_start_method(), close_first=True, work=0.05)
    r = run.result
    assert r["values"] == [1, 8] and sorted(r["callbacks"]) == [1, 8]
    assert r["exitcodes"] == [0, 0]
    assert sorted(e.value for e in run.timeline.of("callback")) == [1, 8]


# --- the comma in args ------------------------------------------------------------------------


@pytest.mark.claim("apply-async-args-error-surfaces-at-get")
def test_missing_comma_fails_in_the_worker_and_shows_only_at_get(ctx):
    run = observe(args_comma.main, ctx.get_start_method())
    cases = run.result  # apply_async() raised for none of them: main went through all five
    number, two = cases["args=(3)"], cases["args=('ab')"]
    assert (
        number["get"].startswith("TypeError") and "calculator() argument after *" in number["get"]
    )
    assert number["get"].endswith("must be an iterable, not int")
    assert two["get"] == "TypeError: shout() takes 1 positional argument but 2 were given"
    assert not number["callback"] and not two["callback"]  # a callback-only program: silence
    assert cases["args=('a')"] == {"get": "'A'", "callback": True}
    assert cases["args=(3,)"]["get"] == "27" and cases["args=('ab',)"]["get"] == "'AB'"
    tasks = {json.dumps(s.value): s for s in run.timeline.spans("task")}
    assert all(WORKER.fullmatch(s.lane) for s in tasks.values())  # it failed in the worker
    assert {"3", '"ab"'} <= set(tasks)
