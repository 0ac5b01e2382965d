"""Claims of §3.3.2 about queues (Example 3-6): waiting, bounds, copies, the feeder thread,
and the pitfall of joining a producer before taking its items."""

from __future__ import annotations

import math
import queue
import threading
import time

import pytest

from chapter3.kit.listing import asleep, observe, watching
from chapter3.kit.observe import TIMEOUT
from chapter3.process_communication import (
    ex3_06_queue,
    join_before_get,
    queue_bounded,
    queue_copies,
)
from chapter3.process_communication.test_shared import children

QUEUE = "Queue-1"  # the run's first queue: the listing's


def returned(watch) -> bool:
    """Whether the (first) child's target has returned: its ``run`` span has ended."""
    return watch.until(lambda tl: any(s.end < math.inf for s in tl.spans("run")))


# --- Example 3-6 ---------------------------------------------------------------------------


@pytest.mark.claim("example-3-6-get-blocks-until-put")
def test_get_returns_the_childs_list_after_the_put(ctx):
    run = observe(ex3_06_queue.main, ctx.get_start_method(), first=0.2, second=0.05)
    assert run.result == [42, "20200001", "张三"]
    tl = run.timeline
    (child,) = children(tl)
    (put,) = tl.spans("put", QUEUE)
    (get,) = tl.spans("get", QUEUE)
    assert put.lane == child and get.lane == "MainProcess"
    assert get.start < put.start < get.end and get.value == put.value == run.result
    over = tl.of("print", lane="MainProcess")[-1]  # the parent's last line, after join()
    assert over.t > tl.spans("run", child)[0].end


@pytest.mark.claim("example-3-6-what-order-is-forced")
@pytest.mark.parametrize("first", ["parent", "child"])
def test_only_some_lines_of_example_3_6_have_a_fixed_order(ctx, first):
    def lines(tl, parent: bool) -> list[float]:
        return [e.t for e in tl.of("print") if (e.lane == "MainProcess") is parent]

    with watching(ex3_06_queue.main, ctx.get_start_method()) as watch:
        if first == "parent":  # the child held before its 1st line, then before its 3rd
            holds = [watch.gate("run"), watch.gate("print", nth=3, each=True, before=True)]
            until = [lambda tl: len(lines(tl, True)) >= 1, lambda tl: len(lines(tl, True)) >= 2]
        else:  # the parent held before its 1st line, then before its 2nd
            holds = [watch.gate("print", lane="MainProcess", nth=k, before=True) for k in (1, 2)]
            until = [lambda tl: len(lines(tl, False)) >= 1, lambda tl: len(lines(tl, False)) >= 3]
        watch.start(first=0.01, second=0.01)
        for gate, other_side_said in zip(holds, until, strict=True):
            assert gate.arrived.wait(30)
            assert watch.until(other_side_said)
            gate.go.set()
        run = watch.wait()
    (p_wait, p_got, p_over), (c_sleep, c_awake, c_again) = (
        lines(run.timeline, True),
        lines(run.timeline, False),
    )
    # fixed by the program, whatever happens:
    assert p_wait < p_got < p_over and c_sleep < c_awake < p_got and c_again < p_over
    # left open by the program, forced here each way:
    assert (p_wait < c_sleep) is (first == "parent")
    assert (p_got < c_again) is (first == "parent")


# --- waiting: timeouts and bounds ----------------------------------------------------------


@pytest.mark.claim("queue-get-timeout-raises-empty")
def test_get_with_a_timeout_waits_then_raises_empty(ctx):
    q = ctx.Queue()
    try:
        start = time.monotonic()
        with pytest.raises(queue.Empty):
            q.get(timeout=0.2)
        assert time.monotonic() - start >= 0.19  # at least the timeout (a hair for rounding)
        with pytest.raises(queue.Empty):
            q.get_nowait()
    finally:
        q.close()
        q.join_thread()


@pytest.mark.claim("bounded-queue-put-blocks")
def test_put_on_a_full_queue_waits_for_a_get(ctx):
    with watching(queue_bounded.main, ctx.get_start_method()) as watch:
        joining = watch.gate(
            "join", lane="MainProcess", before=True
        )  # before the parent's join(wait)
        watch.start(maxsize=2, wait=0.3)
        assert joining.arrived.wait(30)

        def third_put_stuck(tl):
            stuck = [s for s in tl.open("put", QUEUE) if s.value == 2]
            return len(stuck) == 1 and asleep(stuck[0].pid)

        assert watch.until(third_put_stuck), "the third put never blocked"
        joining.go.set()
        run = watch.wait()
    assert run.result == {"still_putting": True, "got": [0, 1, 2]}
    tl = run.timeline
    (third,) = [s for s in tl.spans("put", QUEUE) if s.value == 2]
    (waited,) = tl.spans("join", lane="MainProcess")[:1]
    first_get = tl.spans("get", QUEUE)[0]
    assert third.start < waited.start and waited.end <= first_get.start < third.end
    q = ctx.Queue(2)  # and put(timeout=...) on a full queue gives up with queue.Full
    try:
        q.put(0)
        q.put(1)
        with pytest.raises(queue.Full):
            q.put(2, timeout=0.2)
    finally:
        q.close()
        q.join_thread()


# --- what travels: copies, pickled later ---------------------------------------------------


@pytest.mark.claim("queue-delivers-copies")
def test_objects_travel_as_copies(ctx):
    run = observe(queue_copies.main, ctx.get_start_method())
    assert run.result == {
        "original": {"numbers": [1, 2, 3], "seen_by": ["parent"]},
        "returned": {"numbers": [1, 2, 3], "seen_by": ["parent", "child"]},
        "same_object": False,
    }


class Gated:
    """A list whose pickling waits for ``gate``: it shows *when* it is pickled, and by whom."""

    def __init__(self, items: list, gate: threading.Event):
        self.items, self.gate, self.pickled_by = items, gate, None

    def __reduce__(self):
        self.pickled_by = threading.current_thread().name
        self.gate.wait(TIMEOUT)
        return (list, (list(self.items),))  # it arrives as a plain list


@pytest.mark.claim("queue-put-pickles-later")
def test_put_returns_before_pickling_send_pickles_at_once(ctx):
    obj, q = Gated(["before"], threading.Event()), ctx.Queue()
    try:
        q.put(obj)  # returns at once; the feeder thread pickles later, and waits for the gate
        assert q.empty()  # nothing is in the pipe yet
        obj.items.append("changed after put")
        obj.gate.set()
        assert q.get(timeout=TIMEOUT) == ["before", "changed after put"]
    finally:
        q.close()
        q.join_thread()
    assert obj.pickled_by == "QueueFeederThread"
    other, (reader, writer) = Gated(["before"], threading.Event()), ctx.Pipe(duplex=False)
    other.gate.set()  # send pickles in the caller: it must not wait
    try:
        writer.send(other)
        other.items.append("changed after send")
        assert reader.recv() == ["before"]
    finally:
        reader.close()
        writer.close()
    assert other.pickled_by == threading.current_thread().name


@pytest.mark.claim("queue-misuse-errors")
def test_an_unpicklable_put_fails_in_the_feeder_thread(ctx, capsys):
    q = ctx.Queue()
    try:
        q.put(threading.Lock())  # no error here
        with pytest.raises(queue.Empty):
            q.get(timeout=0.3)  # it never arrives
    finally:
        q.close()
        q.join_thread()  # the feeder has handled the item before it exits
    assert "TypeError: cannot pickle '_thread.lock' object" in capsys.readouterr().err


@pytest.mark.claim("queue-misuse-errors")
def test_a_closed_queue_refuses_put_and_get(ctx):
    q = ctx.Queue()
    q.close()
    q.join_thread()
    with pytest.raises(ValueError, match="is closed"):
        q.put(1)
    with pytest.raises(ValueError, match="is closed"):
        q.get(timeout=0.1)


# --- the pitfall: join before get ----------------------------------------------------------


@pytest.mark.claim("join-unconsumed-producer-waits")
def test_a_producer_stays_alive_until_its_data_is_taken(ctx):
    with watching(join_before_get.main, ctx.get_start_method()) as watch:
        joining = watch.gate("join", lane="MainProcess", before=True)
        watch.start(items=256, wait=0.3)
        assert joining.arrived.wait(30)
        assert returned(watch), "the producer's function never returned"
        joining.go.set()  # its function is done before the parent joins it
        run = watch.wait()
    assert run.result == {
        "alive_after_join": True,
        "exitcode_then": None,
        "got": 256,
        "exitcode": 0,
    }
    tl = run.timeline
    (child,) = children(tl)
    (life,) = tl.spans("run", child)
    waited = tl.spans("join", child)[0]
    assert life.end < waited.start and waited.end - waited.start >= 0.25


@pytest.mark.claim("cancel-join-thread-loses-data")
def test_cancel_join_thread_lets_it_exit_and_drops_what_was_not_sent(ctx):
    with watching(join_before_get.main, ctx.get_start_method()) as watch:
        joining = watch.gate("join", lane="MainProcess", before=True)
        watch.start(items=256, cancel=True, wait=5.0)
        assert joining.arrived.wait(30)
        assert returned(watch), "the producer's function never returned"
        joining.go.set()
        run = watch.wait()
    r = run.result
    assert not r["alive_after_join"] and r["exitcode_then"] == 0 and r["exitcode"] == 0
    assert r["got"] < 256
    tl = run.timeline
    (child,) = children(tl)
    assert tl.spans("run", child)[0].end < tl.spans("join", child)[0].start
