"""Claims of §3.3.1 about several children (Example 3-2): they run at the same time,
finish in the order of their work, and the main process's last line waits for them all."""

from __future__ import annotations

import os

import pytest

from chapter3.kit.listing import observe, watching
from chapter3.process_creation import ex3_02_some_children, finish_order


def workers(tl) -> list[str]:
    """The children's lanes, in the order they were started."""
    return [e.obj for e in tl.of("started")]


@pytest.mark.claim("example-3-2-waits-for-all")
def test_example_3_2_ends_after_every_worker(ctx):
    run = observe(ex3_02_some_children.main, ctx.get_start_method(), naps=[0.1] * 5)
    tl = run.timeline
    assert run.result["exitcodes"] == [0] * 5
    *before, the_end = tl.of("print", lane="MainProcess")
    assert [e.value for e in before] == ["wait joining..."]
    children = [e for e in tl if e.lane in workers(tl)]
    assert len({e.lane for e in children}) == 5
    assert all(e.t < the_end.t for e in children)  # after everything any worker did


@pytest.mark.claim("example-3-2-order-set-before-sleep")
def test_each_worker_prints_before_it_sleeps(ctx):
    run = observe(ex3_02_some_children.main, ctx.get_start_method(), naps=[0.2, 0.1, 0, 0.1, 0])
    tl = run.timeline
    for lane in workers(tl):
        (line,) = tl.of("print", lane=lane)
        (nap,) = tl.spans("sleep", lane=lane)
        assert line.t <= nap.start  # the number is out before the random sleep begins


@pytest.mark.claim("children-run-concurrently")
def test_all_workers_are_alive_at_once(ctx):
    run = observe(finish_order.main, ctx.get_start_method(), work=[0.01] * 5)
    tl = run.timeline
    assert run.result == [0] * 5  # every worker passed the 5-party barrier
    assert tl.high_water("wait") == 5  # five waits at the barrier open at one moment
    waits = tl.spans("wait")
    pids = {s.pid for s in waits}
    assert len(waits) == len(pids) == 5 and os.getpid() not in pids  # five processes


@pytest.mark.claim("finish-order-follows-work-not-creation")
@pytest.mark.parametrize("order", [(4, 3, 2, 1, 0), (2, 0, 4, 1, 3)], ids=str)
def test_workers_finish_in_the_order_of_their_work(ctx, order):
    with watching(finish_order.main, ctx.get_start_method()) as watch:
        working = [watch.gate("sleep", nth=k) for k in range(1, 6)]  # all five, at work
        watch.start(work=[0.01] * 5)
        for gate in working:
            assert gate.arrived.wait(30)
        tl = watch.timeline()
        created = workers(tl)  # worker i was created, started (and is joined) i-th
        held = {s.obj: s.lane for s in tl.spans("gate")}
        gate_of = {held[gate.name]: gate for gate in working}
        for i in order:  # let them finish their work in this order, one after another
            gate_of[created[i]].go.set()
            assert watch.until(lambda tl, lane=created[i]: tl.printed(lane))
        run = watch.wait()
    tl = run.timeline
    done = [e.lane for e in tl.of("print") if e.lane != "MainProcess"]
    assert done == [created[i] for i in order]
    assert tl.of("print", lane="MainProcess")[-1].t > max(s.end for s in tl.spans("run"))
