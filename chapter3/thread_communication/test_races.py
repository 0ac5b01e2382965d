"""Claims of §3.4.2 about what sharing costs: lost updates, and the lock that prevents them."""

from __future__ import annotations

import pytest

from chapter3.kit.listing import observe, watching
from chapter3.thread_communication import lost_update, race_survey

LOCK = "Lock-1"


@pytest.mark.claim("forced-race-loses-update")
@pytest.mark.parametrize("attempt", range(3))
def test_forced_interleaving_loses_an_update(attempt):
    with watching(lost_update.main) as watch:
        between = [watch.gate("sleep", nth=k) for k in (1, 2)]  # each, after its read
        watch.start(locked=False, pause=0)
        for gate in between:
            assert gate.arrived.wait(30)  # both have read; neither has written
        for gate in between:
            gate.go.set()
        run = watch.wait()
    assert sorted(run.result["reads"].values()) == [0, 0]
    assert run.result["balance"] == 1  # two deposits of 1: one lost


@pytest.mark.claim("lock-prevents-lost-update")
def test_lock_makes_the_losing_interleaving_impossible():
    with watching(lost_update.main) as watch:
        between = watch.gate("sleep")  # the first thread in, after its read
        watch.start(locked=True, pause=0)
        assert between.arrived.wait(30)
        assert watch.until(lambda tl: len(tl.open("acquire", LOCK)) == 1), "the other asks"
        between.go.set()
        run = watch.wait()
    assert sorted(run.result["reads"].values()) == [0, 1]
    assert run.result["balance"] == 2
    tl = run.timeline
    (held,) = tl.spans("gate")
    (first,) = [s for s in tl.spans("hold", LOCK) if s.lane == held.lane]
    (waited,) = [
        s for s in tl.spans("acquire", LOCK) if s.lane != held.lane and s.end > first.start
    ]
    assert waited.start < held.end and first.end <= waited.end  # kept out until it was written


@pytest.mark.claim("tight-loop-race-frequency")
def test_tight_loops_lose_by_chance_locked_loops_never(record_property):
    runs, n = 10, 100_000
    survey = observe(race_survey.main, runs=runs, threads=2, n=n).result
    assert {(s["loop"], s["interval"]) for s in survey} == {
        (loop, interval) for loop in ("+= 1", "+= one()", "lock") for interval in (0.005, 1e-6)
    }
    for s in survey:
        lossy = sum(f < 2 * n for f in s["finals"])
        record_property(f"{s['loop']} @ {s['interval']:g} s", f"{lossy}/{runs}")
        assert all(0 < f <= 2 * n for f in s["finals"])  # updates get lost, never invented
        if s["loop"] == "lock":
            assert s["finals"] == [2 * n] * runs
