"""Claims of §3.3.4 about callbacks: where they run, with what, in which order, and what
a slow or a failing one does to the pool."""

from __future__ import annotations

import math
import os
import sys
import threading

import pytest

from book.cpu_slot import slot
from book.report import start_methods
from chapter3.kit.listing import observe, watching
from chapter3.process_pool import callback_order, callbacks, failing_callback, slow_callback

MAIN = "MainProcess"


def said(tl, lane=MAIN) -> list[float]:
    """When ``lane`` printed each of its lines."""
    return [e.t for e in tl.of("print", lane=lane)]


@pytest.fixture(scope="module", params=start_methods())
def calls(request):
    """One run of the three kinds of callback per start method."""
    with slot():
        return observe(callbacks.main, request.param)


@pytest.mark.claim("callback-runs-in-parent-result-thread")
def test_callbacks_run_in_the_parent_in_the_result_thread(calls):
    tl = calls.timeline
    (thread,) = {c["thread"] for c in calls.result}  # all three in one thread...
    assert thread.endswith("(_handle_results)")  # ...the pool's result handler
    printed = [e for e in tl.of("print")]  # only the callbacks print in this program
    assert len(printed) == 3 and {e.lane for e in printed} == {f"{MAIN}/{thread}"}
    assert {e.pid for e in printed} == {os.getpid()}  # this process: the parent
    assert {e.lane for e in tl.of("callback")} == {f"{MAIN}/{thread}"}  # not the main thread
    tasks = tl.spans("task")
    assert tasks and os.getpid() not in {s.pid for s in tasks}


@pytest.mark.claim("callback-receives-one-argument")
def test_each_callback_gets_exactly_one_argument(calls):
    got = {c["kind"]: c["args"] for c in calls.result}
    assert got == {
        "callback": ["1"],
        "error_callback": ["ValueError('bad input 2')"],
        "map_async": ["[1, 8, 27]"],
    }


@pytest.mark.claim("callbacks-run-in-completion-order")
def test_callbacks_follow_the_order_results_arrive(ctx):
    with watching(callback_order.main, ctx.get_start_method()) as watch:
        one, two = watch.gate("task", value=(1,)), watch.gate("task", value=(2,))
        watch.start(inputs=(1, 2, 3))  # given in this order; made to finish 3, 1, 2
        assert watch.until(lambda tl: [e.value for e in tl.of("callback")] == [27])
        one.go.set()
        assert watch.until(lambda tl: [e.value for e in tl.of("callback")] == [27, 1])
        two.go.set()
        run = watch.wait()
    assert run.result == [27, 1, 8]
    assert [e.value for e in run.timeline.of("callback")] == [27, 1, 8]


@pytest.mark.claim("slow-callback-delays-other-results")
def test_a_slow_callback_holds_up_the_next_result(ctx):
    with watching(slow_callback.main, ctx.get_start_method()) as watch:
        busy = watch.gate("callback", value=1)  # the first callback, at work
        second = watch.gate("task", value=(2,))  # the second task, done only after that
        asking = watch.gate("print", lane=MAIN, before=True)  # main, before it asks
        watch.start(slow=0, check=0.3)
        assert busy.arrived.wait(30) and second.arrived.wait(30)
        second.go.set()
        assert watch.until(lambda tl: all(s.end < math.inf for s in tl.spans("task")))
        assert asking.arrived.wait(30)
        asking.go.set()
        assert watch.until(lambda tl: len(said(tl)) == 2)  # it asked, and gave up
        busy.go.set()
        run = watch.wait()
    assert run.result == {"timed_out": True, "ready": False, "value": 8}
    tl = run.timeline
    (second,) = [s for s in tl.spans("task") if s.value == [2]]
    assert second.end < said(tl)[1]  # computed before get() gave up on it
    (slow,) = tl.spans("gate", "Gate-1")
    (fast,) = [e for e in tl.of("callback") if e.value == 8]
    assert fast.t > slow.end and fast.lane == slow.lane  # the same thread, after the first


@pytest.mark.skipif(sys.version_info >= (3, 16), reason="gh-83371 changed this in Python 3.16")
@pytest.mark.parametrize("kind", ["raises", "two-args"])
@pytest.mark.claim("failing-callback-breaks-pool")
def test_a_failing_callback_kills_the_result_thread(ctx, kind, monkeypatch):
    died = []
    monkeypatch.setattr(threading, "excepthook", lambda args: died.append(args))
    with watching(failing_callback.main, ctx.get_start_method()) as watch:
        second = watch.gate("task", value=(2,))  # computed only once the thread is dead
        asks = watch.gate("print", lane=MAIN, before=True)  # main, before its first line
        watch.start(kind=kind, check=0.3)
        assert second.arrived.wait(30) and watch.until(lambda tl: died)
        second.go.set()
        assert watch.until(lambda tl: len([s for s in tl.spans("task") if s.end < math.inf]) == 2)
        assert asks.arrived.wait(30)
        asks.go.set()
        run = watch.wait()
    ((thread, error),) = [(a.thread.name, a.exc_value) for a in died]
    assert thread.endswith("(_handle_results)")
    expected = "callback failed on 1" if kind == "raises" else "two_args() missing 1 required"
    assert isinstance(error, RuntimeError if kind == "raises" else TypeError)
    assert str(error).startswith(expected)
    r = run.result
    assert r["ready"] == [False, False]  # neither result came back, though both computed
    assert r["join_blocked"] is True
    assert r["terminate_error"].startswith("AssertionError: Cannot have cache with result_hand")
    assert [e.value for e in run.timeline.of("callback")] == [1]  # the one that failed
