"""Claims of §3.4.2: semaphores, locks, queues and producer–consumer, the same with threads."""

from __future__ import annotations

import math

import pytest

from chapter3.kit.events import high_water_of
from chapter3.kit.listing import observe, watching
from chapter3.thread_communication import (
    bounded_queue,
    buns_in_threads,
    lock_ownership,
    queue_join,
    semaphore_threads,
    stuck_producers,
)

SEM, Q = "Semaphore-1", "Queue-1"


def ended(spans) -> list:
    return [s for s in spans if s.end < math.inf]


@pytest.mark.claim("thread-semaphore-limits-holders")
@pytest.mark.parametrize(("permits", "workers"), [(3, 6), (1, 4)])
def test_semaphore_bounds_the_holders(permits, workers):
    run = observe(semaphore_threads.main, permits=permits, workers=workers, hold=0.03)
    assert run.result == [False] * workers  # every thread ended
    tl = run.timeline
    assert len(tl.spans("hold", SEM)) == workers  # each had its turn
    assert 1 <= tl.high_water("hold", SEM) <= permits


@pytest.mark.claim("thread-semaphore-limits-holders")
@pytest.mark.parametrize("permits", [1, 3])
def test_semaphore_admits_exactly_n_at_once(permits):
    with watching(semaphore_threads.main) as watch:
        inside = [watch.gate("sleep", nth=k) for k in range(1, permits + 1)]
        watch.start(permits=permits, workers=permits + 1, hold=0)
        for gate in inside:
            assert gate.arrived.wait(30)  # n threads hold it at the same moment
        assert watch.until(lambda tl: len(tl.open("acquire", SEM)) == 1), "one more asks"
        (extra,) = watch.timeline().open("acquire", SEM)
        assert not watch.until(lambda tl: not tl.open("acquire", SEM), timeout=0.3)  # kept out
        assert watch.timeline().high_water("hold", SEM) == permits
        for gate in inside:
            gate.go.set()
        run = watch.wait()
    holds = run.timeline.spans("hold", SEM)
    (late,) = [s for s in holds if s.lane == extra.lane]
    assert late.start >= min(s.end for s in holds if s.lane != extra.lane)  # once one left


@pytest.mark.claim("lock-has-no-owner-rlock-does")
def test_lock_and_rlock_ownership():
    run = observe(lock_ownership.main)
    assert run.result == {
        "Lock": "released",  # by a thread that never acquired it
        "RLock": "RuntimeError: cannot release un-acquired lock",
        "Lock again": True,  # free after that release
        "RLock again": True,  # its owner takes it again without waiting
        "release unlocked": "RuntimeError: release unlocked lock",
    }
    tl = run.timeline
    (other, _) = [s.lane for s in tl.spans("run")]
    released = [e for e in tl if e.op == "hold" and e.phase == "end" and e.obj == "Lock-1"]
    assert released[0].lane == other  # main took the Lock; the other thread released it


@pytest.mark.claim("thread-queue-blocks-when-full-or-empty")
def test_bounded_queue_blocks():
    with watching(bounded_queue.main) as watch:
        taking = watch.gate("get", Q, lane="MainProcess", nth=2, before=True)
        watch.start(size=2, patience=0.05)
        assert taking.arrived.wait(30)  # main is about to take one item ...

        def third_put_waits(tl):
            return any(s.value == "item-2" for s in tl.open("put", Q))

        assert watch.until(third_put_waits)  # ... while the producer waits in put()
        taking.go.set()
        run = watch.wait()
    assert run.result == ["item-0", "item-1", "item-2"]  # first in, first out; no "extra"
    tl = run.timeline
    empty, take, *_ = tl.spans("get", Q, "MainProcess")
    assert empty.value is None and empty.end - empty.start >= 0.05  # gave up: queue.Empty
    (extra,) = [s for s in tl.spans("put", Q) if s.value == "extra"]
    assert extra.end - extra.start >= 0.05  # gave up, full: queue.Full (never got out)
    (blocked,) = [s for s in tl.spans("put", Q) if s.value == "item-2"]
    assert blocked.start < take.start < blocked.end  # returned once main had taken one


@pytest.mark.claim("queue-join-counts-task-done")
def test_join_waits_for_task_done():
    with watching(queue_join.main) as watch:
        last = watch.gate("task_done", Q, nth=2, before=True)
        watch.start()
        assert last.arrived.wait(30)

        def empty_and_joining(tl):
            return len(ended(tl.spans("get", Q))) == 2 and tl.open("join", Q)

        assert watch.until(empty_and_joining)  # both taken out; the joiner is in q.join()
        assert not watch.until(lambda tl: not tl.open("join", Q), timeout=0.1)  # still there
        last.go.set()
        run = watch.wait()
    assert run.result == 0
    tl = run.timeline
    (joined,) = tl.spans("join", Q)
    assert joined.end > tl.of("task_done", Q)[1].t  # it returned after the last task_done()


@pytest.mark.claim("thread-producer-consumer")
def test_producer_consumer_with_threads():
    with watching(buns_in_threads.main) as watch:
        hungry = watch.gate("get", Q, before=True)  # the consumer, before its first get
        watch.start(size=2, buns=4, make=0, eat=0.005)
        assert hungry.arrived.wait(30)

        def full(tl):
            return len(ended(tl.spans("put", Q))) == 2 and len(tl.open("put", Q)) == 2

        assert watch.until(full), "the producers never filled the conveyor"
        hungry.go.set()
        run = watch.wait()
    eaten = [tuple(b) for b in run.result["eaten"]]
    assert len(eaten) == len(set(eaten)) == 8  # each bun eaten exactly once
    for name in ("Tom", "Jerry"):
        assert [i for who, i in eaten if who == name] == list(range(4))  # in order
    tl = run.timeline
    assert high_water_of(tl.queued(Q)) == 2  # full while the consumer was held, no more
    assert run.result["left"] == 0 and len(ended(tl.spans("run"))) == 3  # all done


@pytest.mark.claim("thread-producers-stuck-without-consumer")
def test_producers_block_once_the_consumer_has_gone():
    run = observe(stuck_producers.main, size=2, buns=5, eats=5)
    made, left = run.result["made"], run.result["left"]
    assert sum(made.values()) == 5 + left == 7 and left == 2  # eaten + the conveyor's 2
    assert 1 <= sum(n < 5 for n in made.values()) <= 2  # who could not finish
    tl = run.timeline
    (gone,) = tl.of("set", "Event-1")
    assert len(ended(tl.spans("get", Q))) == 5 and all(s.end < gone.t for s in tl.spans("get"))
