"""Claims of §3.3.4 about ``concurrent.futures.ProcessPoolExecutor``, beside the pool."""

from __future__ import annotations

import logging
import os

import pytest

from chapter3.kit.listing import observe, watching
from chapter3.process_pool import (
    executor_callback_error,
    executor_callbacks,
    executor_cancel,
    executor_task_error,
    executor_with,
    executor_work,
)

MAIN = "MainProcess"


def said(tl, lane=MAIN) -> list[float]:
    """When ``lane`` printed each of its lines."""
    return [e.t for e in tl.of("print", lane=lane)]


def computing(x: int) -> str:
    """The line a task prints as it computes ``x`` cubed: where a gate holds it (the
    gate is placed on that line; no claim is stated on it)."""
    return f"计算 {x} 的立方"


def computed(tl, x: int) -> float:
    (event,) = [e for e in tl.of("print") if e.value == computing(x)]
    return event.t


@pytest.mark.claim("executor-same-work-as-pool")
def test_executor_submit_as_completed_and_map(ctx):
    with watching(executor_work.main, ctx.get_start_method()) as watch:
        held = {x: watch.gate("print", value=computing(x), before=True) for x in (1, 2, 3)}
        later = {x: watch.gate("print", value=computing(x), before=True) for x in (11, 12)}
        watch.start(inputs=(1, 2, 3))
        assert watch.until(lambda tl: len(said(tl)) == 1)  # result(timeout=0.1) gave up
        for x, k in ((3, 2), (1, 3), (2, 4)):  # let one task go, see it come out next
            held[x].go.set()
            assert watch.until(lambda tl, k=k: len(said(tl)) == k)
        assert watch.until(lambda tl: any(e.value == computing(13) for e in tl.of("print")))
        later[12].go.set()  # the map's tasks finish in reverse: 13, 12, 11
        assert watch.until(lambda tl: any(e.value == computing(12) for e in tl.of("print")))
        later[11].go.set()
        run = watch.wait()
    r, tl = run.result, run.timeline
    assert r["workers"] == 0  # unlike Pool: no worker before the first submit
    assert r["timeout"] == "builtins.TimeoutError"
    assert r["as_completed"] == [27, 1, 8]  # the order they finished in
    assert r["map"] == [11**3, 12**3, 13**3]  # input order, though they finished reversed
    assert computed(tl, 13) < computed(tl, 12) < computed(tl, 11)
    workers = {e.pid for e in tl.of("print") if e.lane != MAIN}
    assert workers and os.getpid() not in workers


@pytest.mark.claim("executor-done-callback-thread")
def test_done_callbacks_get_the_future_in_the_manager_thread(ctx):
    with watching(executor_callbacks.main, ctx.get_start_method()) as watch:
        held = [watch.gate("print", value=computing(x), before=True) for x in (1, 2, 3)]
        watch.start(inputs=(1, 2, 3))
        assert watch.until(lambda tl: len(said(tl)) == 1)  # every callback added
        for gate in held:
            gate.go.set()
        run = watch.wait()
    calls, here = run.result["calls"], run.result["main_thread"]
    assert len(calls) == 4 and {c["got"] for c in calls} == {"Future"}
    late = [c for c in calls if c["thread"] == here]  # added when done: run at once, here
    assert len(late) == 1
    assert {c["class"] for c in calls if c not in late} == {"_ExecutorManagerThread"}
    here_lines = [e for e in run.timeline.of("print") if e.lane.split("/")[0] == MAIN]
    assert len(here_lines) == 1 + 4 and {e.pid for e in here_lines} == {os.getpid()}


@pytest.mark.claim("executor-errors-stay-in-futures")
def test_executor_errors(ctx, caplog):
    failed = observe(executor_task_error.main, ctx.get_start_method()).result
    assert failed["raised"] == failed["exception"] == "ValueError: bad input 1"
    assert "in fail" in failed["cause"]
    with caplog.at_level(logging.ERROR, logger="concurrent.futures"):
        r = observe(executor_callback_error.main, ctx.get_start_method()).result
    assert r == {"value": 8, "later_callback": 1, "after": 27}
    logged = [rec for rec in caplog.records if rec.name == "concurrent.futures"]
    assert [rec.getMessage().split(" for ")[0] for rec in logged] == ["exception calling callback"]
    assert isinstance(logged[0].exc_info[1], RuntimeError)


@pytest.mark.claim("executor-with-exit-waits")
def test_leaving_executor_with_waits_for_every_task(ctx):
    run = observe(executor_with.main, ctx.get_start_method(), tasks=4, seconds=0.1)
    assert run.result["results"] == [0, 1, 2, 3]
    assert run.result["submit_after"] == "RuntimeError: cannot schedule new futures after shutdown"
    (ended, *_rest) = said(run.timeline)  # the first line after the with block
    done = [e.t for e in run.timeline.of("print") if e.lane != MAIN]  # each task, at its end
    assert len(done) == 4 and max(done) < ended


@pytest.mark.claim("executor-cancel-futures-on-shutdown")
def test_cancel_futures_drops_what_has_not_started(ctx):
    outcomes = observe(executor_cancel.main, ctx.get_start_method(), seconds=0.3).result
    done = [o for o in outcomes if o != "cancelled"]
    # one worker: at most one task running and two queued for it escape cancellation
    assert len(done) <= 3
    assert outcomes == list(range(len(done))) + ["cancelled"] * (6 - len(done))
