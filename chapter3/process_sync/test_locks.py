"""Claims of §3.3.3 about locks (Example 3-8): what a lock promises, and what it does not."""

from __future__ import annotations

import os
import signal
import sys
import threading

import psutil
import pytest

from chapter3.kit.events import high_water_of
from chapter3.kit.listing import observe, watching
from chapter3.kit.observe import speaking
from chapter3.process_sync import (
    ex3_08_lock,
    ex3_08_pieces,
    lock_overtaking,
    lock_owner,
    lock_reentry,
)

LOCK = "Lock-1"  # the run's first lock: the listing's
TOO_MANY = "ValueError: semaphore or lock released too many times"


def lines_of(workers: int) -> dict[int, list[str]]:
    """Each process's line, in its pieces, as the listing writes it in Chinese."""
    with speaking("zh"):
        return {i: ex3_08_pieces.pieces(i) for i in range(workers)}


@pytest.mark.claim("example-3-8-lock-keeps-lines-whole")
def test_with_the_lock_every_line_is_whole(ctx):
    with watching(ex3_08_pieces.main, ctx.get_start_method()) as watch:
        midway = watch.gate("sleep")  # the first writer, half-way through its line...
        watch.start(workers=5, pause=0.001, use_lock=True)
        assert midway.arrived.wait(30)
        watch.blocked("acquire", LOCK, 4)  # ...and nobody else gets in
        midway.go.set()
        run = watch.wait()
    whole = {"".join(p).rstrip("\n") for p in lines_of(5).values()}
    assert sorted(run.result) == sorted(whole)  # five lines, each one process's, whole
    tl = run.timeline
    writers = [e.obj for e in tl.of("start")]
    assert tl.high_water("hold", LOCK) == 1
    assert high_water_of(s for s in tl.spans("sleep") if s.lane in writers) == 1


@pytest.mark.claim("without-lock-lines-mix")
def test_without_the_lock_the_lines_mix_every_time(ctx):
    with watching(ex3_08_pieces.main, ctx.get_start_method()) as watch:
        midway = [watch.gate("sleep", nth=k) for k in range(1, 6)]  # all five, half-way
        watch.start(workers=5, pause=0.001, use_lock=False)
        for gate in midway:
            assert gate.arrived.wait(30)
        for gate in midway:
            gate.go.set()
        run = watch.wait()
    tl = run.timeline
    writers = [e.obj for e in tl.of("start")]
    assert len({s.lane for s in tl.spans("gate")}) == 5
    assert high_water_of(s for s in tl.spans("sleep") if s.lane in writers) == 5
    pieces = lines_of(5)
    lines = run.result
    assert not {"".join(p).rstrip("\n") for p in pieces.values()} & set(lines)  # none whole
    written = "".join(piece for p in pieces.values() for piece in p)
    assert sorted("\n".join(lines) + "\n") == sorted(written)  # nothing lost, only mixed
    first, heads = lines[0], [p[0] for p in pieces.values()]
    while heads:  # the first line opens with the first piece of every line
        head = next((h for h in heads if first.startswith(h)), None)
        assert head is not None, f"{lines[0]!r} does not open with every process's number"
        heads.remove(head)
        first = first[len(head) :]


@pytest.mark.claim("example-3-8-order-is-arrival-order")
@pytest.mark.parametrize("order", [(4, 3, 2, 1, 0), (2, 0, 4, 1, 3)])
def test_the_lock_lets_in_whoever_asks_first(ctx, order):
    with watching(ex3_08_lock.main, ctx.get_start_method()) as watch:
        doors = [watch.gate("acquire", LOCK, nth=k) for k in range(1, 6)]
        watch.start(workers=5)
        for door in doors:
            assert door.arrived.wait(30)
        tl = watch.timeline()
        created = [e.obj for e in tl.of("start")]  # process i was started i-th
        held = {s.obj: s.lane for s in tl.spans("gate")}
        door_of = {held[door.name]: door for door in doors}
        for i in order:  # let them ask for the lock in this order, one after another
            door_of[created[i]].go.set()
            assert watch.until(lambda tl, lane=created[i]: tl.printed(lane))
        run = watch.wait()
    assert [e.lane for e in run.timeline.of("print")] == [created[i] for i in order]
    assert run.timeline.high_water("hold", LOCK) == 1


def _status(pid: int) -> str:
    try:
        return psutil.Process(pid).status()
    except psutil.NoSuchProcess:
        return "gone"


@pytest.mark.skipif(sys.platform == "win32", reason="needs SIGSTOP")
@pytest.mark.claim("lock-is-not-fifo")
def test_a_waiting_process_is_overtaken_while_it_is_not_running(ctx):
    rounds = 5
    with watching(lock_overtaking.main, ctx.get_start_method()) as watch:
        settles = [watch.gate("sleep", lane="MainProcess", nth=r) for r in range(1, rounds + 1)]
        watch.start(rounds=rounds, settle=0, hold=0.01)
        for r, settle in enumerate(settles, 1):
            assert settle.arrived.wait(30)
            (lane,) = watch.blocked("acquire", LOCK, 1)  # this round's child waits for the lock
            child = watch.children()[r - 1]
            assert child.name == lane
            os.kill(child.pid, signal.SIGSTOP)  # woken, it will not run before SIGCONT
            try:
                assert watch.until(lambda tl, pid=child.pid: _status(pid) == psutil.STATUS_STOPPED)
                settle.go.set()  # the main process releases, and at once asks again

                def asked_again(tl, r=r):
                    mine = [s for s in tl.spans("acquire", LOCK) if s.lane == "MainProcess"]
                    return sum(s.end < float("inf") for s in mine) == 2 * r

                assert watch.until(asked_again)
            finally:
                os.kill(child.pid, signal.SIGCONT)
        run = watch.wait()
    assert run.result == rounds  # overtaken every time; a first-come-first-served lock: 0
    holds = run.timeline.spans("hold", LOCK)
    for r, child in enumerate(watch.children()):
        mine = [s for s in holds if s.lane == "MainProcess"][2 * r + 1]  # its second, stolen
        (theirs,) = [s for s in holds if s.lane == child.name]
        assert mine.end <= theirs.start


@pytest.mark.claim("lock-is-not-reentrant")
def test_a_lock_blocks_its_own_holder_an_rlock_does_not(ctx):
    run = observe(lock_reentry.main, ctx.get_start_method(), patience=0.2)
    assert run.result == {"Lock": False, "RLock": True}  # the Lock's holder would wait forever
    lock_asks = [s for s in run.timeline.spans("acquire", "Lock-1")]
    assert len(lock_asks) == 2 and lock_asks[1].end - lock_asks[1].start >= 0.15


@pytest.mark.claim("lock-has-no-owner")
def test_any_process_may_release_a_lock_only_the_holder_an_rlock(ctx):
    run = observe(lock_owner.main, ctx.get_start_method())
    assert run.result == {
        "Lock": {"other": 0, "own": TOO_MANY},  # released by another; then nobody holds it
        "RLock": {"other": 1, "own": "released"},  # refused to another; still its holder's
    }
    tl = run.timeline
    others = [e.obj for e in tl.of("start")]
    assert len({e.value for e in tl.of("started")} | {os.getpid()}) == 3
    raised = [(e.lane, e.value) for e in tl.of("raise")]
    assert raised == [
        (others[1], "AssertionError: attempt to release recursive lock not owned by thread")
    ]


@pytest.mark.claim("lock-has-no-owner")
def test_threading_lock_says_runtimeerror_instead():
    with pytest.raises(RuntimeError, match="release unlocked lock"):
        threading.Lock().release()
