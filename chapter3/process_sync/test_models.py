"""Claims of §3.3.3 about the classic models the chapter names: readers–writers and the
dining philosophers, each under the schedule that tests it hardest."""

from __future__ import annotations

import math

import pytest

from chapter3.kit.events import high_water_of
from chapter3.kit.listing import asleep, watching
from chapter3.process_sync import (
    philosophers_naive,
    philosophers_ordered,
    philosophers_waiter,
    readers_writers,
)

ROOM = "Lock-1"  # readers_writers: the first lock it makes
READERS, WRITERS = [f"reader-{i}" for i in range(3)], [f"writer-{i}" for i in range(2)]
N = 5
PHILOSOPHERS = [f"philosopher-{i}" for i in range(N)]


def fork(i: int) -> str:
    """The name of fork ``i`` (the listings make forks 0..n-1 first, as locks)."""
    return f"Lock-{i % N + 1}"


def asleep_in(tl, op: str, obj: str, lanes) -> bool:
    """Whether every lane of ``lanes`` is inside ``op`` on ``obj``, asleep."""
    spans = {s.lane: s for s in tl.open(op, obj)}
    return all(lane in spans and asleep(spans[lane].pid) for lane in lanes)


def meals(tl) -> list:
    """The philosophers' meals: their sleeps."""
    return [s for s in tl.spans("sleep") if s.lane in PHILOSOPHERS]


@pytest.mark.claim("readers-share-writers-exclusive")
def test_readers_read_together_and_a_writer_writes_alone(ctx):
    with watching(readers_writers.main, ctx.get_start_method()) as watch:
        door = [watch.gate("acquire", ROOM, lane=w) for w in WRITERS]  # writers, at the door
        inside = [watch.gate("sleep", lane=r) for r in READERS]  # readers, reading
        watch.start(readers=3, writers=2, rounds=2, read=0.01, write=0.01)
        for gate in door + inside:
            assert gate.arrived.wait(30)  # all three readers inside at once
        for gate in door:
            gate.go.set()
        assert watch.until(lambda tl: asleep_in(tl, "acquire", ROOM, WRITERS))  # kept out
        for gate in inside:
            gate.go.set()
        run = watch.wait()
    assert run.result == [0] * 5
    tl = run.timeline
    reading = [s for s in tl.spans("sleep") if s.lane in READERS]
    writing = [s for s in tl.spans("sleep") if s.lane in WRITERS]
    assert len(reading) == 6 and len(writing) == 4
    assert high_water_of(reading) == 3  # readers share the room...
    assert high_water_of(writing) == 1  # ...a writer has it to itself
    assert not any(w.overlaps(r) for w in writing for r in reading)
    first_round = max(s.end for s in reading[:3])
    for w in WRITERS:  # at the door while the readers were in; writing only once they left
        asks = [s for s in tl.spans("acquire", ROOM) if s.lane == w]
        assert asks[0].end > first_round and asks[0].start < first_round


@pytest.mark.claim("philosophers-deadlock-detected")
def test_left_fork_first_deadlocks_under_the_worst_schedule(ctx):
    with watching(philosophers_naive.main, ctx.get_start_method()) as watch:
        holding = [watch.gate("hold", nth=k) for k in range(1, N + 1)]  # each, a fork in hand
        stuck = [watch.gate("print", nth=k) for k in range(1, N + 1)]  # each, giving up
        watch.start(n=N, meals=2, eat=0.01, patience=0.3)
        for gate in holding:
            assert gate.arrived.wait(30)
        for gate in holding:
            gate.go.set()
        for gate in stuck:  # nobody puts a fork down before everybody has given up
            assert gate.arrived.wait(30)
        for gate in stuck:
            gate.go.set()
        run = watch.wait()
    assert run.result == [0] * N  # nobody ate
    tl = run.timeline
    for i, lane in enumerate(PHILOSOPHERS):
        (left,) = [s for s in tl.spans("hold") if s.lane == lane]
        assert left.obj == fork(i) and left.end < math.inf  # his left fork, put down at last
        (right,) = [s for s in tl.spans("acquire", fork(i + 1)) if s.lane == lane]
        assert right.end - right.start >= 0.25  # waited the whole patience for the right one
        assert left.start < right.start and right.end <= left.end  # asked holding the left
    assert tl.high_water("hold") == N  # all five held a fork at once: a cycle of waiting
    assert meals(tl) == []


@pytest.mark.claim("philosophers-resource-ordering")
def test_lower_numbered_fork_first_everybody_eats(ctx):
    with watching(philosophers_ordered.main, ctx.get_start_method()) as watch:
        holding = [watch.gate("hold", nth=k) for k in range(1, N + 1)]
        watch.start(n=N, meals=2, eat=0.01)
        for gate in holding[:-1]:  # four hold their first fork...
            assert gate.arrived.wait(30)

        def loser_waits(tl):  # ...and the fifth, 0 or 4, waits for fork 0 holding nothing
            spans = [s for s in tl.open("acquire", fork(0)) if asleep(s.pid)]
            return len(spans) == 1 and not [h for h in tl.open("hold") if h.lane == spans[0].lane]

        assert watch.until(loser_waits)
        (loser,) = [s.lane for s in watch.timeline().open("acquire", fork(0))]
        assert not holding[-1].arrived.is_set()  # "everybody holds one fork" never happens
        for gate in holding:
            gate.go.set()
        run = watch.wait()
    assert run.result == [2] * N
    assert loser in ("philosopher-0", "philosopher-4")
    tl = run.timeline
    for lane in ("philosopher-0", "philosopher-4"):
        first = next(s for s in tl.spans("acquire") if s.lane == lane)
        assert first.obj == fork(0)  # both reach for fork 0 first
    _no_neighbours_together(tl)


@pytest.mark.claim("philosophers-waiter")
def test_four_seats_for_five_everybody_eats(ctx):
    seats = "Semaphore-1"
    with watching(philosophers_waiter.main, ctx.get_start_method()) as watch:
        holding = [watch.gate("hold", fork(i)) for i in range(N)]  # a first fork in hand
        watch.start(n=N, meals=2, eat=0.01)

        seen = {}

        def four_seated_one_standing(tl):  # read from one timeline: the same moment
            seated, standing = tl.open("gate"), tl.open("acquire", seats)
            if len(seated) == 4 and len(standing) == 1 and asleep(standing[0].pid):
                seen.update(seated={s.lane for s in seated}, standing=standing[0].lane)
            return bool(seen)

        assert watch.until(four_seated_one_standing)
        seated, standing = seen["seated"], seen["standing"]
        for gate in holding:
            gate.go.set()
        run = watch.wait()
    assert run.result == [2] * N
    assert len(seated) == N - 1 and standing not in seated  # holding no fork while it waits
    tl = run.timeline
    assert tl.high_water("hold", seats) == N - 1  # four at the table, never five
    released = min(s.end for s in tl.spans("gate") if s.lane in seated)
    waited = next(s for s in tl.spans("acquire", seats) if s.lane == standing)
    assert waited.end > released  # the fifth sat down only once one of the four got up
    _no_neighbours_together(tl)


def _no_neighbours_together(tl) -> None:
    had = meals(tl)
    assert len(had) == 2 * N
    seat = {lane: i for i, lane in enumerate(PHILOSOPHERS)}
    for a in had:
        for b in had:
            if (seat[b.lane] - seat[a.lane]) % N == 1:
                assert not a.overlaps(b), f"{a.lane} and {b.lane} ate together"
    assert 1 <= high_water_of(had) <= 2
