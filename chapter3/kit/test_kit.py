"""The observation layer: what it records of plain programs, under every start method."""

from __future__ import annotations

import os
import time

import pytest

from chapter3.kit import samples
from chapter3.kit.listing import observe, watching


def until(predicate, timeout: float = 5.0) -> bool:
    """Poll ``predicate`` until it holds or ``timeout`` passes."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True


def test_prints_are_recorded_per_process_and_nothing_reaches_the_terminal(ctx, capfd):
    run = observe(samples.holders, ctx.get_start_method(), workers=2)
    assert run.result == [0, 0]
    tl = run.timeline
    children = [s.obj for s in tl.spans("run")]
    assert len(set(children)) == 2 and "MainProcess" not in children
    assert sorted(tl.printed()) == ["in 0", "in 1", "started"]
    assert tl.printed("MainProcess") == ["started"]
    assert {e.lane for e in tl.of("print") if e.value.startswith("in")} == set(children)
    assert {e.pid for e in tl.of("print")} >= {e.pid for e in tl.spans("run")}
    assert capfd.readouterr().out == ""


def test_holds_of_a_lock_never_overlap_and_a_semaphore_admits_its_permits(ctx):
    method = ctx.get_start_method()
    one = observe(samples.holders, method, workers=3, permits=1).timeline
    assert len(one.spans("hold")) == 3 and one.high_water("hold") == 1
    with watching(samples.holders, method) as watch:
        gate = watch.gate("hold")
        watch.start(workers=3, permits=2)
        assert gate.arrived.wait(30)  # one holder is held inside: a second can still enter
        assert until(lambda: watch.timeline().high_water("hold") == 2), "no second holder"
        gate.go.set()
        run = watch.wait()
    assert len(run.timeline.spans("hold")) == 3


def test_a_gate_holds_one_lane_while_the_others_wait_in_acquire(ctx):
    with watching(samples.holders, ctx.get_start_method()) as watch:
        gate = watch.gate("hold")
        watch.start(workers=3, permits=1)
        assert gate.arrived.wait(30)

        def asking():
            return [e for e in watch.timeline() if e.op == "acquire" and e.phase == "begin"]

        assert until(lambda: len(asking()) == 3), "every process asks for the lock"
        ended = [e for e in watch.timeline() if e.op == "acquire" and e.phase == "end"]
        assert len(ended) == 1, "while one holds it, the others are still in acquire"
        gate.go.set()
        run = watch.wait()
    assert len(run.timeline.spans("hold")) == 3


def test_threads_named_either_way_are_observed_and_the_names_restored():
    before = (samples.threading, samples.Thread, samples.time)
    tl = observe(samples.threads).timeline
    assert (samples.threading, samples.Thread, samples.time) == before
    runs = tl.spans("run")
    assert len(runs) == 2 and all(s.obj.startswith("MainProcess/") for s in runs)
    assert {s.pid for s in runs} == {os.getpid()}
    assert len(tl.spans("hold")) == 2 and tl.high_water("hold") == 1


def test_pool_tasks_run_in_workers_and_callbacks_in_the_parent(ctx):
    run = observe(samples.pool, ctx.get_start_method())
    assert run.result == [8, [1, 8, 27]]
    tl = run.timeline
    tasks = tl.spans("task")
    assert sorted(s.value for s in tasks) == [[1], [2], [2], [3]]
    assert all("PoolWorker" in s.lane for s in tasks)
    callbacks = tl.of("callback")
    assert [e.value for e in callbacks] == [8, [1, 8, 27]]
    assert all(e.lane.startswith("MainProcess/") for e in callbacks), "a parent's thread"


def test_pipes_and_queues_carry_their_values(ctx):
    run = observe(samples.messages, ctx.get_start_method())
    assert run.result == ("ping", [1, "two"])
    tl = run.timeline
    assert [e.value for e in tl.of("send")] == ["ping"]
    assert [s.value for s in tl.spans("recv")] == ["ping"]
    assert [s.value for s in tl.spans("put")] == [[1, "two"]]
    assert [s.value for s in tl.spans("get")] == [[1, "two"]]


def test_a_stuck_run_times_out_quickly_and_ends_when_the_watch_does(ctx):
    with watching(samples.stuck, ctx.get_start_method()) as watch:
        gate = watch.gate("wait")
        watch.start()
        assert gate.arrived.wait(30)
        start = time.monotonic()
        with pytest.raises(TimeoutError, match=r"samples\.stuck\(\) still running"):
            watch.wait(timeout=0.5)
        assert time.monotonic() - start < 5
    assert not watch._thread.is_alive(), "leaving the watch lets the gate go and ends the run"
