"""Claims of §3.3.3 about producer–consumer (Example 3-9): the corrected program, and the
program as printed."""

from __future__ import annotations

import contextlib
import math
from collections import Counter

import pytest

from book.cpu_slot import slot
from book.report import start_methods
from chapter3.kit.events import high_water_of
from chapter3.kit.listing import asleep, watching
from chapter3.process_sync import ex3_09_as_printed, ex3_09_buns

BELT = "Queue-1"  # the run's first queue: the conveyor
FAST, SLOW = (0.0, 0.003), (0.02, 0.03)  # making a bun, eating one
PRODUCERS = ("Tom", "Jerry")


def lanes(tl) -> dict[str, str]:
    """Who each child is: the listings start Tom, then Jerry, then the consumer."""
    return dict(zip([*PRODUCERS, "consumer"], [e.obj for e in tl.of("start")], strict=True))


def taken(tl, lane=None) -> list[tuple[str, int]]:
    """The buns got from the conveyor (by ``lane``), in the order they were got."""
    gets = sorted(tl.spans("get", BELT), key=lambda s: s.end)
    return [tuple(s.value) for s in gets if s.end < math.inf and lane in (None, s.lane)]


def fill(tl, t: float) -> int:
    """How many buns were certainly on the conveyor at moment ``t``."""
    return sum(s.start <= t < s.end for s in tl.queued(BELT))


@pytest.fixture(
    scope="module",
    params=[(m, size) for m in start_methods() for size in (2, 10)],
    ids=lambda p: f"{p[0]}-conveyor-{p[1]}",
)
def buns(request):
    """One run of the corrected program per start method and conveyor size, shared by the
    tests of what holds in every run. The consumer is held at its first ``get`` until the
    producers have filled the conveyor (and, with 2, wait to put more). Set up before any
    test's CPU slot, so it takes the slot itself."""
    method, size = request.param
    with slot(), watching(ex3_09_buns.main, method) as watch:
        hungry = watch.gate("get", BELT, before=True)  # the consumer, before its first get
        watch.start(size=size, make=FAST, chew=SLOW)
        assert hungry.arrived.wait(30)

        def full(tl):
            puts = tl.spans("put", BELT)
            done, stuck = [s for s in puts if s.end < math.inf], tl.open("put", BELT)
            if size >= 10:
                return len(done) == 10
            return len(done) == size and len(stuck) == 2 and all(asleep(s.pid) for s in stuck)

        assert watch.until(full), "the producers never filled the conveyor"
        hungry.go.set()
        run = watch.wait()
    return size, run


@pytest.mark.claim("example-3-9-buffer-bound")
def test_producers_never_get_more_than_the_conveyor_ahead(buns):
    size, run = buns
    tl = run.timeline
    assert high_water_of(tl.queued(BELT)) == size  # full while the consumer was held, no more
    if size == 2:  # and with 2, producers found it full and had to wait in put()
        (held,) = tl.spans("gate")
        waited = [s for s in tl.spans("put", BELT) if s.start < held.end < s.end]
        assert len(waited) == 2 and fill(tl, held.end) == size  # inside put() while it was full


@pytest.mark.claim("example-3-9-buffer-bound")
def test_a_queue_of_size_zero_has_no_bound(ctx):
    q = ctx.Queue(0)
    try:
        for i in range(100):
            q.put_nowait(i)  # never queue.Full
    finally:
        q.close()
        q.join_thread()


@pytest.mark.claim("example-3-9-consumes-only-what-was-produced")
def test_every_bun_eaten_was_made_before_and_taken_only_once(buns):
    _, run = buns
    tl = run.timeline
    puts = {tuple(s.value): s for s in tl.spans("put", BELT)}
    got = taken(tl)
    assert len(got) == len(set(got)) == 10 == len(puts)  # none twice, none lost
    assert set(got) == set(puts)
    for s in tl.spans("get", BELT):
        assert puts[tuple(s.value)].start < s.end  # its producer had begun putting it in


@pytest.mark.claim("example-3-9-each-producer-in-order")
def test_each_producers_buns_come_out_in_the_order_they_went_in(buns):
    _, run = buns
    tl = run.timeline
    who = lanes(tl)
    for name in PRODUCERS:
        made = [tuple(s.value) for s in tl.spans("put", BELT) if s.lane == who[name]]
        assert made == [(name, i) for i in range(5)]
        assert [b for b in taken(tl) if b[0] == name] == made


@pytest.mark.claim("example-3-9-five-left-over")
def test_ten_made_five_eaten_five_left_and_everybody_exits(buns):
    _, run = buns
    tl = run.timeline
    consumer = lanes(tl)["consumer"]
    assert len(taken(tl, consumer)) == 5
    left = taken(tl, "MainProcess")  # really taken off the conveyor by the main process
    assert len(left) == 5 and [tuple(b) for b in run.result["left"]] == left
    assert run.result["exitcodes"] == [0, 0, 0]
    assert len(tl.printed(consumer)) == 5 + 1  # a line per bun, and "full" once


@contextlib.contextmanager
def as_printed(method: str, size: int, **params):
    """A started run of the program as printed, whose children are all running (have
    opened the conveyor) before its main returns."""
    with watching(ex3_09_as_printed.main, method) as watch:
        up = watch.gate("started", nth=3)  # main, once it has started all three...
        watch.start(size=size, make=FAST, **params)
        assert up.arrived.wait(30)
        assert watch.until(lambda tl: len(tl.spans("run")) == 3)  # ...until they are running
        up.go.set()
        yield watch


@pytest.mark.claim("example-3-9-full-printed-once")
def test_the_listings_indentation_says_full_after_every_bun(ctx):
    with as_printed(ctx.get_start_method(), 10, chew=(0.0, 0.001)) as watch:
        run = watch.wait()
    consumer = lanes(run.timeline)["consumer"]
    assert len(taken(run.timeline, consumer)) == 5
    assert len(run.timeline.printed(consumer)) == 2 * 5  # "full" after each bun: 5 times


@pytest.mark.claim("example-3-9-as-printed-never-ends")
def test_the_unjoined_program_never_ends_on_a_full_conveyor(ctx):
    with as_printed(ctx.get_start_method(), 2, chew=(0.0, 0.01)) as watch:
        who = lanes(watch.timeline())

        def settled(tl):  # the consumer is full and gone; the producers made all they can
            done = [s for s in tl.spans("put", BELT) if s.end < math.inf]
            stuck = tl.open("put", BELT)
            ate = tl.spans("run", who["consumer"])
            gone = ate and ate[0].end < math.inf
            return gone and len(done) == 5 + 2 and stuck and all(asleep(s.pid) for s in stuck)

        assert watch.until(settled)
        assert watch.until(lambda tl: watch.returned())  # main ran its last line...
        with pytest.raises(TimeoutError, match="returned, but"):
            watch.wait(timeout=1.0)  # ...and the program still does not end
        stuck = sorted(s.lane for s in watch.timeline().open("put", BELT))
        alive = sorted(p.name for p in watch.children() if p.is_alive())
        assert stuck == alive and all(asleep(p.pid) for p in watch.children() if p.is_alive())
        assert sorted(watch.stop()) == stuck  # stop the producers it waits for...
        run = watch.wait()  # ...and it ends at once
    tl = run.timeline
    made = Counter(s.lane for s in tl.spans("put", BELT) if s.end < math.inf)
    assert sum(made.values()) == 7  # 5 eaten + 2 on the conveyor: the chapter's 3 + 4
    assert all(2 <= made[who[name]] <= 5 for name in PRODUCERS)
    assert sorted(who[n] for n in PRODUCERS if made[who[n]] < 5) == stuck
    assert len(taken(tl, who["consumer"])) == 5


@pytest.mark.claim("example-3-9-buffer-10-ends")
def test_with_room_for_everything_the_program_ends(ctx):
    with as_printed(ctx.get_start_method(), 10, chew=(0.0, 0.01)) as watch:
        run = watch.wait(timeout=60)  # no TimeoutError: it ends by itself
        assert [p.exitcode for p in watch.children()] == [0, 0, 0]
    tl = run.timeline
    assert len([s for s in tl.spans("put", BELT) if s.end < math.inf]) == 10
    assert len(taken(tl)) == 5  # and the five left vanish with it
    assert tl.of("stop") == []


@pytest.mark.claim("example-3-9-unjoined-parent-drops-queue")
def test_a_queue_dropped_before_the_children_unpickle_it_is_gone(ctx, capfd):
    method = ctx.get_start_method()
    with watching(ex3_09_as_printed.main, method) as watch:
        late = [watch.gate("unpickle", nth=k) for k in (1, 2, 3)]  # held before their args
        watch.start(size=10, make=FAST, chew=FAST)
        if method != "fork":
            for gate in late:
                assert gate.arrived.wait(30)
            assert watch.until(lambda tl: watch.returned())  # main returned: the queue is gone
            for gate in late:
                gate.go.set()
        run = watch.wait()
        exitcodes = [p.exitcode for p in watch.children()]
    if method == "fork":  # nothing to unpickle: the children have the parent's memory
        assert exitcodes == [0, 0, 0] and len(run.timeline.spans("run")) == 3
        assert run.timeline.of("unpickle") == []
    else:
        assert exitcodes == [1, 1, 1] and run.timeline.spans("run") == []
        if method == "spawn":  # a fork-server child writes to the server's stderr, not ours
            assert capfd.readouterr().err.count("FileNotFoundError") == 3
