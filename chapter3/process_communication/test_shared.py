"""Claims of §3.3.2 about globals (Example 3-3) and shared memory (Example 3-4)."""

from __future__ import annotations

import dis
import math
import multiprocessing
import os
import threading

import pytest

from chapter3.kit.listing import asleep, observe, watching
from chapter3.process_communication import ex3_03_globals, ex3_04_shared, lost_update, no_join

PI = 3.1415927  # what the children write into the shared Value
LOCK = "Value-1.lock"  # the lock of the run's first Value: the listing's counter


def children(tl) -> list[str]:
    """The lanes of the processes the main process started, in the order it started them."""
    return [e.obj for e in tl.of("start")]


def _report(name, amount, seen) -> None:
    ex3_03_globals.worker(name, amount)  # the listing's worker, in a child; then what
    seen.put(ex3_03_globals.share_num)  # the global of the listing's module holds there


def children_saw(ctx, start: int = 0) -> list[int]:
    """What ``share_num`` holds in each child of Example 3-3 once it has added its part.

    A test-only driver: the listing's main, step for step (the global set, worker_1 started
    and joined, then worker_2), each worker run in a child that then reports its own global."""
    ex3_03_globals.share_num = start
    seen, out = ctx.Queue(), []
    try:
        for name, amount in (("worker_1", 20), ("worker_2", 100)):
            p = ctx.Process(target=_report, args=(name, amount, seen))
            p.start()
            out.append(seen.get(timeout=30))
            p.join(30)
    finally:
        ex3_03_globals.share_num = 0
        seen.close()
        seen.join_thread()
    return out


# --- Example 3-3: globals ------------------------------------------------------------------


@pytest.mark.claim("example-3-3-globals-not-shared")
def test_each_process_has_its_own_global(ctx):
    run = observe(ex3_03_globals.main, ctx.get_start_method())
    assert run.result == [0, 0]  # the parent sees neither addition
    assert len({s.pid for s in run.timeline.spans("run")} | {os.getpid()}) == 3
    assert children_saw(ctx) == [20, 100]  # worker_2 does not see worker_1's 20


@pytest.mark.claim("example-3-3-one-child-after-the-other")
def test_start_join_pairs_run_the_children_in_turn(ctx):
    tl = observe(ex3_03_globals.main, ctx.get_start_method()).timeline
    first, second = children(tl)
    (life1,) = tl.spans("run", first)
    (life2,) = tl.spans("run", second)
    joined = tl.spans("join", first)[0]  # the parent's join of p1
    assert life1.end <= joined.end < tl.of("start", second)[0].t < life2.start


@pytest.mark.claim("fork-copies-globals-spawn-reimports")
def test_a_global_set_before_start_reaches_forked_children_only(ctx):
    run = observe(ex3_03_globals.main, ctx.get_start_method(), start=7)
    assert run.result == [7, 7]  # and never anything back
    if ctx.get_start_method() == "fork":
        assert children_saw(ctx, 7) == [27, 107]  # a copy of the parent's memory at start()
    else:
        assert children_saw(ctx, 7) == [20, 100]  # the module imported afresh: share_num = 0


# --- Example 3-4: Value and Array ----------------------------------------------------------


@pytest.mark.claim("example-3-4-join-then-read")
def test_parent_sees_the_childs_writes_after_join(ctx):
    run = observe(ex3_04_shared.main, ctx.get_start_method(), size=10)
    assert run.result == {"value": PI, "array": [0, -1, -2, -3, -4, -5, -6, -7, -8, -9]}
    tl = run.timeline
    (writer,) = children(tl)
    (life,) = tl.spans("run", writer)
    assert life.pid != os.getpid()  # written by another process
    assert life.end <= tl.spans("join", writer)[0].end < tl.of("print", lane="MainProcess")[0].t


@pytest.mark.claim("example-3-4-listing-last-print-outside")
def test_a_print_dedented_out_of_the_function_cannot_see_its_locals():
    program = "def share_memory():\n    arr = [0]\n\nprint(arr[:])\n"
    with pytest.raises(NameError, match="'arr' is not defined"):
        exec(compile(program, "<Example 3-4 as printed>", "exec"), {})


@pytest.mark.claim("without-join-any-outcome")
@pytest.mark.parametrize(
    "moment, expected",
    [
        ("before", (0.0, [0, 1, 2, 3, 4, 5])),
        ("midway", (PI, [0, -1, -2, 3, 4, 5])),
        ("after", (PI, [0, -1, -2, -3, -4, -5])),
    ],
)
def test_a_parent_that_does_not_join_can_see_any_stage(ctx, moment, expected):
    with watching(no_join.main, ctx.get_start_method()) as watch:
        if moment == "before":  # the child, before its first write
            child = watch.gate("run")
        else:  # the child, in the pause after its 3rd (6th) write: only it pauses 3 times
            child = watch.gate("sleep", nth=3 if moment == "midway" else 6, each=True)
        look = watch.gate("sleep", lane="MainProcess")  # the parent, before it reads
        joining = watch.gate("join", lane="MainProcess", before=True)  # the parent, having read
        watch.start(size=6, pause=0.001, look=0)
        assert child.arrived.wait(30) and look.arrived.wait(30)
        look.go.set()
        assert joining.arrived.wait(30)
        child.go.set()
        joining.go.set()
        run = watch.wait()
    assert (run.result["value"], run.result["array"]) == expected
    tl = run.timeline
    (writer,) = children(tl)
    (life,) = tl.spans("run", writer)
    (held,) = [s for s in tl.spans("gate") if s.obj == joining.name]
    assert life.pid != os.getpid() and held.start < life.end  # still at work when read


# --- the lock of a Value, and += ------------------------------------------------------------


class _CountingLock:
    """A lock that writes down every acquire and release."""

    def __init__(self):
        self.inner, self.log = threading.RLock(), []

    def acquire(self, *args, **kwargs):
        self.log.append("acquire")
        return self.inner.acquire(*args, **kwargs)

    def release(self):
        self.log.append("release")
        self.inner.release()


@pytest.mark.claim("value-plus-equals-two-steps")
def test_plus_equals_on_a_value_is_a_read_then_a_write():
    def increment(counter):
        counter.value += 1

    steps = [(i.opname, i.argval) for i in dis.get_instructions(increment)]
    loads = [k for k, s in enumerate(steps) if s[0] == "LOAD_ATTR" and s[1] == "value"]
    stores = [k for k, s in enumerate(steps) if s[0] == "STORE_ATTR" and s[1] == "value"]
    assert len(loads) == 1 and len(stores) == 1 and loads[0] < stores[0]
    # each step takes the Value's lock on its own, and lets it go in between
    lock = _CountingLock()
    counter = multiprocessing.Value("i", 0, lock=lock)
    increment(counter)
    assert lock.log == ["acquire", "release", "acquire", "release"]


@pytest.mark.claim("lost-update-fixed-by-get-lock")
def test_two_increments_lose_one_unless_the_lock_is_held(ctx):
    method = ctx.get_start_method()
    with watching(lost_update.main, method) as watch:  # without the lock
        held = watch.gate("sleep")  # the first, between its read and its write
        watch.start(locked=False, pause=0.001)
        assert held.arrived.wait(30)
        # the second reads, writes back and ends, while the first is still held
        assert watch.until(lambda tl: any(s.end < math.inf for s in tl.spans("run")))
        held.go.set()
        lost = watch.wait()
    assert lost.result == 1  # both read 0, both wrote 1
    tl = lost.timeline
    (gate,) = tl.spans("gate")
    (first,) = tl.spans("sleep", lane=gate.lane)  # between its read and its write
    (second,) = [s for s in tl.spans("run") if s.lane != gate.lane]
    (pause,) = tl.spans("sleep", lane=second.lane)
    assert first.start < pause.start and second.end < first.end  # read and wrote meanwhile

    with watching(lost_update.main, method) as watch:  # holding get_lock() throughout
        held = watch.gate("sleep")
        watch.start(locked=True, pause=0.001)
        assert held.arrived.wait(30)

        def asking(tl):
            spans = tl.open("acquire", LOCK)
            return len(spans) == 1 and asleep(spans[0].pid)

        assert watch.until(asking), "the second never waited for the lock"
        assert not watch.until(lambda tl: len(tl.spans("hold", LOCK)) > 1, timeout=0.2)
        held.go.set()
        kept = watch.wait()
    assert kept.result == 2
    tl = kept.timeline
    (gate,) = tl.spans("gate")
    (ask,) = [s for s in tl.spans("acquire", LOCK) if s.lane != gate.lane]
    (wrote,) = [s for s in tl.spans("sleep") if s.lane == gate.lane]  # then its write
    assert ask.start < wrote.end < ask.end  # asking before the first wrote; in only after
    assert tl.high_water("hold", LOCK) == 1
    for run in (lost, kept):  # two processes, neither of them this one
        pids = {s.pid for s in run.timeline.spans("run")}
        assert len(pids) == 2 and os.getpid() not in pids


@pytest.mark.claim("shared-ctypes-bad-input")
def test_value_and_array_reject_or_silently_wrap_bad_input(ctx):
    with pytest.raises(TypeError, match="this type has no size"):
        ctx.Value("x", 0)  # not a ctypes type code
    with pytest.raises(TypeError):
        ctx.Value("i", 1.5)  # a float for a C int
    assert ctx.Value("i", 2**40).value == 0  # too big: silently wrapped, no error
    arr = ctx.Array("i", 3)  # an int size: three zeros
    assert arr[:] == [0, 0, 0]
    with pytest.raises(IndexError):
        arr[3] = 1  # fixed size: no growing
    with pytest.raises(ValueError, match="same size"):
        arr[:] = [1, 2]
    raw = ctx.Value("i", 0, lock=False)  # a bare ctypes object
    assert not hasattr(raw, "get_lock")
    reader, writer = ctx.Pipe(duplex=False)
    try:
        with pytest.raises(RuntimeError, match="through inheritance"):
            writer.send(ctx.Value("i", 0))  # only as an argument of Process
    finally:
        reader.close()
        writer.close()
