"""Claims of §3.3.3 about semaphores (Example 3-7), and about a holder that dies."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from chapter3.kit.listing import observe, watching
from chapter3.kit.run import captured_fresh
from chapter3.process_sync import (
    ex3_07_calls_itself,
    ex3_07_semaphore,
    holder_dies,
    holder_killed,
    over_release,
    semaphore_count,
)

ROOT = Path(__file__).resolve().parents[2]
HOLD = (0.01, 0.02)  # seconds a process works while it holds a permit
SEM = "Semaphore-1"  # the run's first semaphore: the listing's
linux_counter = pytest.mark.skipif(
    sys.platform == "darwin", reason="macOS cannot read a semaphore's value (sem_getvalue)"
)


def children(tl) -> list[str]:
    """The lanes of the processes the main process started, in the order it started them."""
    return [e.obj for e in tl.of("start")]


@linux_counter
@pytest.mark.claim("semaphore-value-never-negative")
def test_waiting_does_not_push_the_count_below_zero(ctx):
    with watching(semaphore_count.main, ctx.get_start_method()) as watch:
        settle = watch.gate("sleep", lane="MainProcess")  # before the main process reads
        watch.start(waiters=2, settle=0)
        assert settle.arrived.wait(30)
        waiters = watch.blocked("acquire", SEM, 2)
        settle.go.set()
        run = watch.wait()
    assert run.result == {"while_waiting": 0, "tried": False, "after": 1}
    tl = run.timeline
    assert sorted(waiters) == sorted(children(tl)) and "MainProcess" not in waiters
    assert len({s.pid for s in tl.spans("run")} | {os.getpid()}) == 3
    (mine,) = [s for s in tl.spans("hold", SEM) if s.lane == "MainProcess"]
    asks = [s for s in tl.spans("acquire", SEM) if s.lane in waiters]
    assert all(s.start < mine.end < s.end for s in asks)  # waiting all the time it was read
    assert sorted(s.lane for s in tl.spans("hold", SEM)) == sorted([*waiters, "MainProcess"])


@pytest.mark.claim("example-3-7-one-permit-one-holder")
def test_one_permit_means_one_holder_at_every_moment(ctx):
    with watching(ex3_07_semaphore.main, ctx.get_start_method()) as watch:
        inside = watch.gate("hold")  # the first holder stays inside...
        watch.start(permits=1, workers=4, hold=HOLD)
        assert inside.arrived.wait(30)
        watch.blocked("acquire", SEM, 3)  # ...while the three others wait at the door
        inside.go.set()
        run = watch.wait()
    tl = run.timeline
    holds = tl.spans("hold", SEM)
    assert sorted(s.lane for s in holds) == sorted(children(tl))  # each of the four, once
    assert "MainProcess" not in children(tl) and len({s.pid for s in holds}) == 4
    assert {depth for _, depth in tl.profile("hold", SEM)} == {0, 1}  # never two holders
    assert run.result == [0, 0, 0, 0]


@pytest.mark.claim("example-3-7-three-permits-six-processes")
def test_three_permits_three_holders_never_a_fourth(ctx):
    with watching(ex3_07_semaphore.main, ctx.get_start_method()) as watch:
        inside = [watch.gate("hold", nth=k) for k in (1, 2, 3)]  # three stay inside...
        watch.start(permits=3, workers=6, hold=HOLD)
        for gate in inside:
            assert gate.arrived.wait(30)
        late = watch.blocked("acquire", SEM, 3)  # ...and the three others wait for a permit
        for gate in inside:
            gate.go.set()
        run = watch.wait()
    tl = run.timeline
    assert tl.high_water("hold", SEM) == 3  # all three permits in use at once, never four
    assert sorted(s.lane for s in tl.spans("hold", SEM)) == sorted(children(tl))
    first_out = min(s.end for s in tl.spans("hold", SEM)[:3])
    asks = [s for s in tl.spans("acquire", SEM) if s.lane in late]
    assert len(asks) == 3 and all(s.start < first_out <= s.end for s in asks)
    assert run.result == [0] * 6


@pytest.mark.claim("example-3-7-listing-starts-two-processes")
def test_range_2_starts_two_processes_and_prints_four_lines(ctx):
    for workers in (2, 4):  # the listing's range(2); what its output needs
        tl = observe(ex3_07_semaphore.main, ctx.get_start_method(), workers=workers, hold=HOLD)
        lanes = children(tl.timeline)
        assert len(lanes) == workers
        assert {lane: len(tl.timeline.printed(lane)) for lane in lanes} == dict.fromkeys(lanes, 2)
        assert len(tl.timeline.printed()) == 2 * workers  # 4 lines; the chapter shows 8


@pytest.mark.claim("example-3-7-listing-calls-itself")
def test_as_printed_the_script_does_nothing():
    code = "import runpy, sys; runpy.run_path(sys.argv[1])"  # its top level, with no call
    done = subprocess.run(
        [sys.executable, "-c", code, ex3_07_calls_itself.__file__],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


@pytest.mark.claim("example-3-7-listing-calls-itself")
def test_once_called_the_demo_never_returns(ctx):
    # in a fresh interpreter: it lowers its recursion limit
    data = captured_fresh("process_sync.ex3_07_calls_itself", ctx.get_start_method())
    result, events = data["result"], data["events"]
    assert result["returned"] is False  # it ended in RecursionError, never by returning
    started = [e for e in events if e["op"] == "started"]
    assert 0 < result["started"] == len(started) and result["started"] % 2 == 0  # 2 a level
    assert len({e["value"] for e in started}) == result["started"]  # real, distinct processes


@pytest.mark.claim("semaphore-over-release")
def test_release_is_not_checked_unless_bounded(ctx):
    if sys.platform == "darwin":
        pytest.skip("macOS cannot read a semaphore's value (sem_getvalue)")
    r = observe(over_release.main, ctx.get_start_method()).result
    assert r["count"] == 3  # Semaphore(2) now has three permits, silently
    assert r["BoundedSemaphore(2).release()"] == (
        "ValueError: semaphore or lock released too many times"
    )
    assert r["multiprocessing Semaphore(-1)"].startswith("OSError")  # EINVAL from sem_open
    assert r["threading.Semaphore(-1)"] == "ValueError: semaphore initial value must be >= 0"


@pytest.mark.claim("holder-death-loses-the-permit")
def test_an_exception_between_acquire_and_release_loses_the_permit(ctx):
    run = observe(holder_dies.main, ctx.get_start_method(), guard="bare", patience=0.3)
    assert run.result == {"exitcode": 1, "got": False}
    tl = run.timeline
    (holder,) = children(tl)
    (hold,) = tl.spans("hold", SEM)
    assert hold.lane == holder and hold.end == math.inf  # held until it died: never given back
    assert [e.value.split(":")[0] for e in tl.of("raise")] == ["RuntimeError"]
    (ask,) = [s for s in tl.spans("acquire", SEM) if s.lane == "MainProcess"]
    (life,) = tl.spans("run", holder)
    assert life.end < ask.start  # not a deadlock: the one waiting waits for nobody alive
    assert [s.lane for s in tl.spans("acquire", SEM) if s.lane != "MainProcess"] == [holder]


@pytest.mark.claim("with-gives-the-permit-back")
@pytest.mark.parametrize(
    "guard, how, exitcode", [("with", "raise", 1), ("finally", "raise", 1), ("with", "exit", 3)]
)
def test_with_or_finally_gives_the_permit_back_on_the_way_out(ctx, guard, how, exitcode):
    run = observe(holder_dies.main, ctx.get_start_method(), guard=guard, how=how, patience=5)
    assert run.result == {"exitcode": exitcode, "got": True}
    (holder,) = children(run.timeline)
    (hold,) = [s for s in run.timeline.spans("hold", SEM) if s.lane == holder]
    assert hold.end < math.inf


@pytest.mark.claim("with-gives-the-permit-back")
def test_a_sigterm_handler_raising_systemexit_gives_it_back_too(ctx):
    run = observe(holder_killed.main, ctx.get_start_method(), how="terminate-handled", patience=5)
    assert run.result == {"exitcode": 128 + 15, "got": True}


@pytest.mark.claim("killed-holder-gives-nothing-back")
@pytest.mark.parametrize("how, exitcode", [("terminate", -15), ("kill", -9), ("os._exit", 3)])
def test_nothing_gives_the_permit_back_when_the_holder_is_killed(ctx, how, exitcode):
    run = observe(holder_killed.main, ctx.get_start_method(), how=how, patience=0.3)
    assert run.result == {"exitcode": exitcode, "got": False}
    (holder,) = children(run.timeline)
    (hold,) = run.timeline.spans("hold", SEM)
    assert hold.lane == holder and hold.end == math.inf


@pytest.mark.claim("printed-lines-are-not-holding-times")
def test_the_printout_can_show_two_holders_where_there_was_one(ctx):
    with watching(ex3_07_semaphore.main, ctx.get_start_method()) as watch:
        slow = watch.gate("print", each=True, nth=2, before=True)  # out, but not said yet
        busy = watch.gate("sleep", nth=2)  # the next holder, at work inside
        watch.start(permits=1, workers=2, hold=HOLD)
        assert slow.arrived.wait(30) and busy.arrived.wait(30)
        slow.go.set()
        assert watch.until(lambda tl: len(tl.printed()) == 3)
        busy.go.set()
        run = watch.wait()
    tl = run.timeline
    holds = {s.lane: s for s in tl.spans("hold", SEM)}
    said = [(e.lane, holds[e.lane].start < e.t < holds[e.lane].end) for e in tl.of("print")]
    first, second = said[0][0], said[1][0]
    assert first != second
    # both "got" lines (said while holding) come before either "released" line...
    assert said == [(first, True), (second, True), (first, False), (second, False)]
    assert tl.high_water("hold", SEM) == 1  # ...and yet nobody held it together
