"""Claims of §3.3.1 about ``Process``, ``start()``, ``join()`` and PIDs (Example 3-1)."""

from __future__ import annotations

import math
import os

import pytest

from chapter3.kit.listing import observe, watching
from chapter3.process_creation import ex3_01_one_child, ex3_02_some_children, hello, start_join


def child_lane(tl) -> str:
    (started,) = tl.of("started")
    return started.obj


@pytest.mark.claim("example-3-1-output")
def test_example_3_1_prints_what_the_chapter_shows(ctx):
    # a claim about the printed text itself: the lines, in each process's order
    run = observe(ex3_01_one_child.main, ctx.get_start_method(), seconds=0.2)
    tl, pid = run.timeline, run.result["child"]
    child = child_lane(tl)
    assert tl.printed(child) == [f"Process ID#{pid}", "Python will sleep for 0.2 seconds",
                                 f"子进程{pid}结束。"]  # fmt: skip
    assert tl.printed("MainProcess") == [
        "子进程 start 之后!",
        "主进程即将 join",
        "join 之后!",
        f"主进程的 ID 是: {os.getpid()}",
        "主进程结束!",
    ]
    child_end = tl.of("print", lane=child)[-1]
    (after_join,) = [e for e in tl.of("print", lane="MainProcess") if e.value == "join 之后!"]
    assert child_end.t < after_join.t
    assert pid != run.result["main"] and run.result["exitcode"] == 0


@pytest.mark.claim("child-runs-target-with-args")
def test_child_runs_the_target_with_its_arguments(ctx):
    run = observe(hello.main, ctx.get_start_method(), name="Python")
    tl = run.timeline
    (greeting,) = tl.of("print")
    (ran,) = tl.spans("run")
    assert greeting.lane == ran.lane == child_lane(tl)  # printed by the child, in its target
    assert greeting.pid == run.result["child"] != os.getpid()
    assert ran.start < greeting.t < ran.end
    assert greeting.value == "你好 Python"  # the argument reached the target
    assert run.result["exitcode"] == 0


@pytest.mark.claim("start-returns-before-target-runs")
@pytest.mark.parametrize("child_first", [False, True], ids=["parent-first", "child-first"])
def test_start_returns_at_once_and_either_line_can_come_first(ctx, child_first):
    with watching(start_join.main, ctx.get_start_method()) as watch:
        # hold the side that should come second until the other side has printed its line
        if child_first:
            second = watch.gate("print", lane="MainProcess", before=True)
        else:
            second = watch.gate("run", before=True)  # the child, before its target runs
        watch.start(work=0.05, timeout=0.05)
        assert second.arrived.wait(30)
        assert watch.until(lambda tl: tl.of("print")), "the other side printed its line"
        second.go.set()
        run = watch.wait()
    assert run.result["alive"] and run.result["exitcode_after_start"] is None
    tl = run.timeline
    parent_line = tl.of("print", lane="MainProcess")[0]
    child_line = tl.of("print", lane=child_lane(tl))[0]
    assert (child_line.t < parent_line.t) if child_first else (parent_line.t < child_line.t)
    assert run.result["exitcode"] == 0


@pytest.mark.claim("join-blocks-the-caller")
def test_join_blocks_the_caller_until_the_child_ends(ctx):
    run = observe(ex3_01_one_child.main, ctx.get_start_method(), seconds=0.2)
    tl = run.timeline
    child = child_lane(tl)
    join = tl.spans("join", child)[0]  # the listing's (then the book's, after main returned)
    (ran,) = tl.spans("run", child)
    after_join = tl.of("print", lane="MainProcess")[2]  # its third line, after join()
    assert join.lane == "MainProcess"  # the caller is the one that waits...
    assert join.start < ran.end <= join.end <= after_join.t  # ...until the child's end
    assert [s.op for s in tl.spans(lane=child)] == ["run", "sleep"]  # the child never waits
    assert join.value == 0


@pytest.mark.claim("join-timeout-returns-none")
def test_join_with_timeout_returns_none_while_the_child_runs(ctx):
    with watching(start_join.main, ctx.get_start_method()) as watch:
        held = watch.gate("sleep")  # the child, held in its work
        watch.start(work=0.05, timeout=0.3)
        assert held.arrived.wait(30)
        assert watch.until(lambda tl: len([s for s in tl.spans("join") if s.end < math.inf]))
        held.go.set()
        run = watch.wait()
    assert run.result["join_timeout_returned"] is None
    assert run.result["alive_after_timeout"]
    first = run.timeline.spans("join")[0]
    assert first.value is None  # no exit code yet: the child still ran
    assert 0.9 * 0.3 <= first.end - first.start < 0.3 + 10.0
    assert run.result["exitcode"] == 0


@pytest.mark.claim("join-can-repeat")
def test_a_finished_child_can_be_joined_again(ctx):
    run = observe(start_join.main, ctx.get_start_method(), work=0.05, timeout=0.01)
    _, full, again = run.timeline.spans("join")[:3]  # the listing's three joins
    assert full.value == again.value == 0  # the exit code stays
    assert again.end - again.start < 1.0  # returns at once: nothing left to wait for


@pytest.mark.claim("pid-assigned-at-start")
def test_pids_come_from_the_os_at_start(ctx):
    run = observe(start_join.main, ctx.get_start_method(), work=0.05, timeout=0.01)
    assert run.result["pid_before_start"] is None
    (started,) = run.timeline.of("started")
    assert started.value == run.result["pid"]
    assert {e.pid for e in run.timeline if e.lane == started.obj} == {run.result["pid"]}
    many = observe(ex3_02_some_children.main, ctx.get_start_method(), naps=[0.01] * 5)
    pids = many.result["pids"]
    assert len(set(pids)) == 5 and os.getpid() not in pids
    lanes = {e.obj: e.value for e in many.timeline.of("started")}
    for e in many.timeline.of("print"):
        if e.lane != "MainProcess":
            assert e.pid == lanes[e.lane]  # what each child reports is its own PID
