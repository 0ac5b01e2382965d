"""The observation layer: what it records of plain programs, under every start method."""

from __future__ import annotations

import gettext
import math
import os
import threading
import time

import pytest

from chapter3.kit import program, samples
from chapter3.kit.events import Event, Timeline, high_water_of, recording
from chapter3.kit.listing import asleep, observe, until, watching
from chapter3.kit.observe import speaking


def test_prints_are_recorded_per_process_and_nothing_reaches_the_terminal(ctx, capfd):
    run = observe(samples.holders, ctx.get_start_method(), workers=2)
    assert run.result == [0, 0]
    tl = run.timeline
    children = [s.obj for s in tl.spans("run")]
    assert len(set(children)) == 2 and "MainProcess" not in children
    assert sorted(tl.printed()) == ["in 0", "in 1", "started"]
    assert tl.printed("MainProcess") == ["started"]
    assert {e.lane for e in tl.of("print") if e.value.startswith("in")} == set(children)
    assert {e.pid for e in tl.of("print")} >= {e.pid for e in tl.spans("run")}
    assert capfd.readouterr().out == ""


def test_holds_of_a_lock_never_overlap_and_a_semaphore_admits_its_permits(ctx):
    method = ctx.get_start_method()
    one = observe(samples.holders, method, workers=3, permits=1).timeline
    assert len(one.spans("hold")) == 3 and one.high_water("hold") == 1
    with watching(samples.holders, method) as watch:
        gate = watch.gate("hold")
        watch.start(workers=3, permits=2)
        assert gate.arrived.wait(30)  # one holder is held inside: a second can still enter
        assert watch.until(lambda tl: tl.high_water("hold") == 2), "no second holder"
        gate.go.set()
        run = watch.wait()
    assert len(run.timeline.spans("hold")) == 3


def test_a_gate_holds_one_lane_while_the_others_wait_in_acquire(ctx):
    with watching(samples.holders, ctx.get_start_method()) as watch:
        gate = watch.gate("hold")
        watch.start(workers=3, permits=1)
        assert gate.arrived.wait(30)

        def asking():
            return [e for e in watch.timeline() if e.op == "acquire" and e.phase == "begin"]

        assert watch.until(lambda tl: len(asking()) == 3), "every process asks for the lock"
        ended = [e for e in watch.timeline() if e.op == "acquire" and e.phase == "end"]
        assert len(ended) == 1, "while one holds it, the others are still in acquire"
        gate.go.set()
        run = watch.wait()
    assert len(run.timeline.spans("hold")) == 3


def test_threads_named_either_way_are_observed_and_the_names_restored():
    before = (samples.threading, samples.Thread, samples.time)
    tl = observe(samples.threads).timeline
    assert (samples.threading, samples.Thread, samples.time) == before
    runs = tl.spans("run")
    assert len(runs) == 2 and all(s.obj.startswith("MainProcess/") for s in runs)
    assert {s.pid for s in runs} == {os.getpid()}
    assert len(tl.spans("hold")) == 2 and tl.high_water("hold") == 1


def test_a_threads_queue_is_observed_with_task_done_and_join():
    before = (samples.queue, samples.queue.Queue)
    run = observe(samples.handoff, items=3)
    assert (samples.queue, samples.queue.Queue) == before and run.result == 0
    tl = run.timeline
    assert [s.value for s in tl.spans("put", "Queue-1")] == [0, 1, 2]
    assert [s.value for s in tl.spans("get", "Queue-1")] == [0, 1, 2]
    done = tl.of("task_done", "Queue-1")
    assert len(done) == 3 and all(e.lane.startswith("MainProcess/") for e in done)
    (joined,) = tl.spans("join", "Queue-1")
    assert joined.lane == "MainProcess" and joined.end > done[-1].t


def test_a_value_that_cannot_be_copied_is_recorded_by_its_repr():
    with recording() as rec:
        lock = threading.Lock()  # neither deep-copied nor pickled
        rec.write("put", "Queue-1", value=[lock])
        (event,) = rec.timeline()
    assert event.value == [repr(lock)]


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_what_a_thread_raises_is_recorded_in_its_lane():
    run = observe(samples.thread_raises)
    assert run.result is False
    (raised,) = run.timeline.of("raise")
    assert (raised.lane, raised.value) == ("MainProcess/failing", "ValueError: from a thread")


def test_pool_tasks_run_in_workers_and_callbacks_in_the_parent(ctx):
    run = observe(samples.pool, ctx.get_start_method())
    assert run.result == [8, [1, 8, 27]]
    tl = run.timeline
    tasks = tl.spans("task")
    assert sorted(s.value for s in tasks) == [[1], [2], [2], [3]]
    assert [s.value for s in tl.spans("task", "_cube via apply_async")] == [[2]]  # who gave it
    assert all("PoolWorker" in s.lane for s in tasks)
    callbacks = tl.of("callback")
    assert [e.value for e in callbacks] == [8, [1, 8, 27]]
    assert all(e.lane.startswith("MainProcess/") for e in callbacks), "a parent's thread"


def test_a_gate_can_hold_the_task_run_with_one_argument(ctx):
    with watching(samples.pool, ctx.get_start_method()) as watch:
        gate = watch.gate("task", value=(3,))  # map_async's task for 3, whoever takes it
        watch.start()
        assert gate.arrived.wait(30)
        assert watch.until(lambda tl: len([s for s in tl.spans("task") if s.end < math.inf]) == 3)
        assert [s.value for s in watch.timeline().open("task")] == [[3]]
        gate.go.set()
        assert watch.wait().result == [8, [1, 8, 27]]


def test_an_observed_pool_fails_on_bad_args_as_a_plain_pool_does(ctx):
    observed = observe(samples.bad_args, ctx.get_start_method()).result
    assert observed == samples.bad_args(ctx)  # the same message: the kit adds nothing to it
    assert "_cube() argument after * must be an iterable, not int" in observed


def test_pipes_and_queues_carry_their_values(ctx):
    run = observe(samples.messages, ctx.get_start_method())
    assert run.result == ("ping", [1, "two"])
    tl = run.timeline
    assert [e.value for e in tl.of("send")] == ["ping"]
    assert [s.value for s in tl.spans("recv")] == ["ping"]
    assert [s.value for s in tl.spans("put")] == [[1, "two"]]
    assert [s.value for s in tl.spans("get")] == [[1, "two"]]


def test_a_stuck_run_times_out_quickly_and_ends_when_the_watch_does(ctx):
    with watching(samples.stuck, ctx.get_start_method()) as watch:
        gate = watch.gate("wait")
        watch.start()
        assert gate.arrived.wait(30)
        start = time.monotonic()
        with pytest.raises(TimeoutError, match=r"samples\.stuck\(\) still running"):
            watch.wait(timeout=0.5)
        assert time.monotonic() - start < 5
    assert not watch._thread.is_alive(), "leaving the watch lets the gate go and ends the run"


def test_objects_are_named_per_run_and_kind(ctx):
    for _ in range(2):
        tl = observe(samples.holders, ctx.get_start_method(), workers=1).timeline
        assert {s.obj for s in tl.spans("hold")} == {"Semaphore-1"}


def test_a_gate_holds_the_nth_arrival_and_shows_it_on_the_timeline(ctx):
    with watching(samples.holders, ctx.get_start_method()) as watch:
        second = watch.gate("hold", nth=2)
        watch.start(workers=3, permits=1)
        assert second.arrived.wait(30)
        tl = watch.timeline()
        holds = tl.spans("hold")
        assert len(holds) == 2 and holds[0].end < math.inf == holds[1].end
        (held,) = tl.spans("gate", second.name)
        assert held.lane == holds[1].lane and held.end == math.inf
        second.go.set()
        run = watch.wait()
    (held,) = run.timeline.spans("gate")
    assert held.end < math.inf and len(run.timeline.spans("hold")) == 3


def test_gates_for_the_first_n_arrivals_hold_n_different_lanes(ctx):
    # six processes print at once; were the gates to count in different orders, one
    # arrival could be picked by two gates and a gate never arrive (seen 2 in 200 runs)
    with watching(samples.crowd, ctx.get_start_method()) as watch:
        gates = [watch.gate("print", nth=k) for k in range(1, 7)]
        watch.start(workers=6)
        assert all(gate.arrived.wait(30) for gate in gates)
        held = watch.timeline().spans("gate")
        assert len({s.lane for s in held}) == 6
        for gate in gates:
            gate.go.set()
        assert watch.wait().result == [0] * 6


def test_a_gate_with_each_holds_the_first_lane_at_its_own_nth_arrival(ctx):
    with watching(samples.chatter, ctx.get_start_method()) as watch:
        gate = watch.gate("print", each=True, nth=2)
        watch.start(workers=3, lines=2)
        assert gate.arrived.wait(30)
        assert watch.until(lambda tl: len(tl.printed()) == 6), "the others print both lines"
        tl = watch.timeline()
        (held,) = tl.spans("gate", gate.name)
        assert held.end == math.inf and len(tl.printed(held.lane)) == 2  # held after its 2nd
        gate.go.set()
        run = watch.wait()
    assert len(run.timeline.printed()) == 6


def test_a_gate_can_pick_one_lane(ctx):
    with watching(samples.chatter, ctx.get_start_method()) as watch:
        gate = watch.gate("print", lane="talker-2", before=True)
        watch.start(workers=3, lines=1)
        assert gate.arrived.wait(30)
        assert watch.until(lambda tl: len(tl.printed()) == 2)
        assert watch.timeline().printed("talker-2") == []
        gate.go.set()
        run = watch.wait()
    assert run.timeline.printed("talker-2") == ["line 2 0"]


def test_started_carries_the_pid_and_a_spawned_child_can_be_held_before_unpickling(ctx):
    method = ctx.get_start_method()
    with watching(samples.chatter, method) as watch:
        gate = watch.gate("unpickle")
        watch.start(workers=1, lines=1)
        if method == "fork":  # nothing is pickled: the child has its parent's memory
            run = watch.wait()
            assert run.timeline.of("unpickle") == [] and not gate.arrived.is_set()
        else:
            assert gate.arrived.wait(30)
            assert watch.until(lambda tl: tl.of("started"))
            assert watch.timeline().spans("run") == [], "held before it could run"
            gate.go.set()
            run = watch.wait()
            assert [e.lane for e in run.timeline.of("unpickle")] == ["talker-0"]
    (started,) = run.timeline.of("started")
    assert started.lane == "MainProcess" and started.value == watch.children()[0].pid


def test_a_run_ends_when_the_processes_main_left_running_end(ctx):
    method = ctx.get_start_method()
    run = observe(samples.leaves, method, seconds=0.2)
    assert run.result == "up" and run.stopped == ()
    (nap,) = run.timeline.spans("run")
    assert nap.end < math.inf, "the run waited for the child main did not join"
    with watching(samples.leaves, method) as watch:
        watch.start(seconds=60)
        assert until(watch.returned)  # main heard from its child (spawn takes a while)
        with pytest.raises(TimeoutError, match=r"returned, but napper still running"):
            watch.wait(timeout=0.3)
        assert watch.returned() and watch.stop() == ["napper"]
        run = watch.wait()
    assert [e.obj for e in run.timeline.of("stop")] == ["napper"]
    stopped = observe(samples.leaves, method, stop_after=0.3, seconds=60)
    assert stopped.stopped == ("napper",)


def test_a_run_ends_when_its_non_daemon_threads_end_and_leaves_daemon_threads_be():
    stop = threading.Event()
    try:
        run = observe(samples.leaves_threads, stop=stop, seconds=0.1)
    finally:
        stop.set()
    assert run.result == "returned"
    late, sleepy = "MainProcess/late", "MainProcess/sleepy"
    assert run.timeline.printed(late) == ["late"], "the run waited for the non-daemon thread"
    (ran,) = run.timeline.spans("run", late)
    assert ran.end < math.inf and not run.timeline.spans("join")
    assert run.timeline.spans("run", sleepy)[0].end == math.inf, "nobody waits for a daemon"


def test_a_whole_program_leaves_its_children_to_the_interpreters_exit(ctx):
    method = ctx.get_start_method()
    done, tl = program.run(f"{samples.__name__}:leaves", method, {"seconds": 0.2})
    assert done.returncode == 0, done.stderr[-2000:]
    (returned,) = tl.of("return")
    assert returned.value == "up"  # what main returned, once the program's code is done
    (join,) = tl.spans("join", "napper")  # nobody joined it but the exit handler
    (nap,) = tl.spans("run", "napper")
    assert returned.t < join.start < nap.end <= join.end
    assert join.value == 0  # a join's end carries the exit code
    done, tl = program.run(samples.__name__, method)  # as __main__: its top level only
    assert done.returncode == 0 and tl.of("start") == [] and tl.of("return")


def test_a_get_that_gives_up_ends_its_span(ctx):
    run = observe(samples.empty_get, ctx.get_start_method())
    assert run.result == "empty"
    (get,) = run.timeline.spans("get")
    assert get.end < math.inf and get.value is None


def test_queued_spans_run_from_put_end_to_the_get_that_took_the_item():
    def ev(t, op, phase, value, lane="p"):
        return Event(lane, 1, t, op, "Queue-1", phase, value)

    tl = Timeline(
        [
            ev(0, "put", "begin", "a"), ev(1, "put", "end", "a"),
            ev(2, "put", "begin", "b"), ev(3, "put", "end", "b"),
            ev(4, "get", "begin", None, "c"), ev(5, "get", "end", "a", "c"),
            ev(6, "get", "begin", None, "c"),  # waiting before "c" is put: no stay
            ev(7, "put", "begin", "c"), ev(8, "put", "end", "c"),
            ev(9, "get", "end", "c", "c"),
        ]
    )  # fmt: skip
    stays = [(s.value, s.start, s.end) for s in tl.queued()]
    assert stays == [("a", 1, 4), ("b", 3, math.inf)]
    assert high_water_of(tl.queued()) == 2


def test_open_spans_and_asleep_show_who_is_still_waiting(ctx):
    with watching(samples.holders, ctx.get_start_method()) as watch:
        gate = watch.gate("hold")
        watch.start(workers=2, permits=1)
        assert gate.arrived.wait(30)

        def one_waits(tl):
            waiting = tl.open("acquire")
            return len(waiting) == 1 and asleep(waiting[0].pid)

        assert watch.until(one_waits), "the second process waits, asleep, for the first"
        assert len(watch.timeline().open("hold")) == 1
        gate.go.set()
        run = watch.wait()
    assert run.timeline.open() == []
    assert not any(asleep(s.pid) for s in run.timeline.spans("run")), "ended: not waiting"


def test_speaking_answers_in_a_language_and_restores_the_environment():
    before = os.environ.get("LANGUAGE")
    with speaking("zh"):
        assert gettext.gettext("%s 获得信号量") == "%s 获得信号量"
    with speaking("en"):
        assert gettext.gettext("%s 获得信号量") == "%s got the semaphore"
    assert os.environ.get("LANGUAGE") == before


def test_blocked_waits_for_n_lanes_asleep_in_an_op_and_names_them(ctx):
    with watching(samples.holders, ctx.get_start_method()) as watch:
        gate = watch.gate("hold")
        watch.start(workers=3, permits=1)
        assert gate.arrived.wait(30)
        (holder,) = [s.lane for s in watch.timeline().open("hold")]
        waiters = watch.blocked("acquire", "Semaphore-1", 2)
        assert len(waiters) == 2 and holder not in waiters
        assert all(s.lane in waiters for s in watch.timeline().open("acquire"))
        with pytest.raises(AssertionError, match="never 3 lanes asleep"):
            watch.blocked("acquire", "Semaphore-1", 3, timeout=0.3)  # only two wait
        gate.go.set()
        watch.wait()


def test_a_timeline_skips_a_line_still_being_written():
    with recording() as rec:
        rec.write("print", value="whole")
        with open(rec.path, "a", encoding="utf-8") as f:
            f.write('{"lane": "x", "pid": 1, "t": 0.0, "op": "pri')  # a write caught half-way
        assert [e.value for e in rec.timeline()] == ["whole"]


HOLDS_A_SEMAPHORE = """import multiprocessing, time
ctx = multiprocessing.get_context("spawn")  # a named semaphore, unlinked only at exit
lock = ctx.Lock()
print(lock._semlock.name, flush=True)
for _ in range(20):  # children still being started when the tree is killed
    ctx.Process(target=time.sleep, args=(60,)).start()
time.sleep(60)
"""


@pytest.mark.skipif(not os.path.isdir("/dev/shm"), reason="named semaphores are files in /dev/shm")
def test_killing_a_program_s_tree_leaves_none_of_its_semaphores_behind():
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-c", HOLDS_A_SEMAPHORE], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)  # fmt: skip
    name = proc.stdout.readline().strip()
    file = f"/dev/shm/sem.{name.lstrip('/')}"
    assert name and os.path.exists(file)
    program.kill_trees([proc], timeout=30)
    proc.stdout.close()
    # the program's resource tracker, spared, removed it once the program was dead
    assert not os.path.exists(file), f"{file} left behind"


def test_a_timeline_read_while_a_line_is_half_written_leaves_that_line_for_later():
    with recording() as rec:
        rec.write("print", "", "", "生产者 Tom")
        with open(rec.path, "rb") as f:
            line = f.read()
        with open(rec.path, "ab") as f:  # a second line cut in the middle of a character
            f.write(line[: line.index("生".encode()) + 1])
        assert [e.value for e in rec.timeline()] == ["生产者 Tom"]


def test_unobserved_runs_a_listing_s_main_to_its_exit_in_a_fresh_interpreter():
    result, _stderr = program.unobserved("concepts.start_cost", "spawn", n=2)
    assert set(result) == {"thread_s", "process_s"} and result["process_s"] > 0
    with pytest.raises(RuntimeError, match="exited with 1"):  # a failing main says so
        program.unobserved("concepts.start_cost", "spawn", n=-1)
