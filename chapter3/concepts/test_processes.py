"""Claims of §3.2.1 about processes: one program and many processes, parallel or taking
turns, the states the OS reports, and the zombie an exited child leaves."""

from __future__ import annotations

import multiprocessing
import os
import sys
from multiprocessing.connection import wait

import psutil
import pytest

from chapter3.concepts import parallel_vs_pinned, process_states, same_program, zombie
from chapter3.kit.listing import asleep, observe, until, watching

linux_only = pytest.mark.skipif(sys.platform != "linux", reason="needs Linux (/proc, affinity)")
two_cpus = pytest.mark.skipif(
    not hasattr(os, "sched_getaffinity") or len(os.sched_getaffinity(0)) < 2,
    reason="needs at least two usable CPUs and CPU affinity",
)


# Work for about 0.4 s per worker here: a share of a CPU measured over a few tens of
# milliseconds is at the mercy of one wake-up of another process (a worker of 2 million
# steps ran for 70 ms, lost 15 ms once and measured 82% of a CPU: one failure in seven
# whole-suite runs).
WORK = 10_000_000


# The measures of a pair of workers, each as it reported itself (start, end, cpu_s).
def wall(w) -> float:
    return w["end"] - w["start"]


def share(w) -> float:
    """The share of one CPU it got while it worked: 1.0 is a CPU to itself all along."""
    return w["cpu_s"] / wall(w)


def extent(workers) -> float:
    """From the first one's start to the last one's end."""
    return max(w["end"] for w in workers) - min(w["start"] for w in workers)


def overlap(workers) -> float:
    """How long all the workers were working at the same time (0.0 if never)."""
    return max(0.0, min(w["end"] for w in workers) - max(w["start"] for w in workers))


def overlap_fraction(workers) -> float:
    """That overlap over the shortest worker's time: near 1.0 side by side, near 0.0 one
    after the other."""
    return overlap(workers) / min(wall(w) for w in workers)


def cpu_in_overlap(worker, workers) -> float:
    """At least what share of a CPU ``worker`` got while all ``workers`` were working.

    Outside the overlap a worker gets at most one CPU second per second, so the CPU
    time it got beyond its time outside the overlap was got inside it."""
    both = overlap(workers)
    return max(0.0, worker["cpu_s"] - (wall(worker) - both)) / both if both > 0 else 0.0


def cpus_while_all_ran(workers) -> float:
    """At least how many CPUs the workers kept busy together while all of them worked."""
    return sum(cpu_in_overlap(w, workers) for w in workers)


def processes(workers) -> bool:
    """Each a process of its own, none of them this one (as each reported its PID)."""
    pids = {w["pid"] for w in workers}
    return len(pids) == len(workers) and os.getpid() not in pids


@pytest.mark.claim("same-program-different-pids")
def test_one_function_two_processes(ctx):
    run = observe(same_program.main, ctx.get_start_method(), n=2)
    children, tl = run.result["children"], run.timeline
    assert run.result["parent"] == os.getpid()
    assert len(set(children)) == 2 and os.getpid() not in children
    ran = tl.spans("run")  # each ran the function in a process of its own: the pid it ran in
    assert sorted(s.pid for s in ran) == sorted(children)
    assert all(len(tl.printed(s.lane)) == 1 for s in ran)  # and each said so, once


@linux_only
@two_cpus
@pytest.mark.exclusive
@pytest.mark.claim("parallel-on-two-cores")
def test_two_cpu_bound_processes_run_in_parallel(ctx):
    runs = [parallel_vs_pinned.main(ctx, work=WORK) for _ in range(2)]
    free = min((r["free"] for r in runs), key=extent)  # the fastest run of each case
    pinned = min((r["cpu0"] for r in runs), key=extent)
    # The experiment is what it says: two processes each time, free ones allowed on every
    # CPU, pinned ones only on CPU 0 (as each read inside itself), and each pair side by side.
    assert processes(free) and processes(pinned), runs
    assert all(w["cpus"] == sorted(os.sched_getaffinity(0)) for w in free), free
    assert all(w["cpus"] == [0] for w in pinned), pinned
    assert overlap_fraction(free) > 0.6 and overlap_fraction(pinned) > 0.6, runs
    # Free: each had a CPU of its own all the time (ideal 1.0), so the pair took the time
    # of one, and while both ran they kept two CPUs busy. Pinned: they took turns (ideal
    # 0.5 each), so the pair took twice that.
    assert min(share(w) for w in free) > 0.85, free
    assert cpus_while_all_ran(free) > 1.3, free
    assert max(share(w) for w in pinned) < 0.7, pinned


@linux_only
@pytest.mark.exclusive
@pytest.mark.claim("time-slicing-on-one-core")
def test_one_core_interleaves_processes(ctx):
    workers = parallel_vs_pinned.main(ctx, work=WORK, cpus=(0,))["cpu0"]
    # Two processes, each of which found itself allowed on CPU 0 only, computing side by side.
    assert processes(workers), workers
    assert all(w["cpus"] == [0] for w in workers), workers
    assert overlap_fraction(workers) > 0.6, workers
    # Interleaved, not one after the other: while both ran, each made progress (at least a
    # quarter of the CPU, ideal a half), neither had the CPU to itself (below 70% of its
    # time), and together they never kept more than the one core busy.
    assert all(cpu_in_overlap(w, workers) > 0.25 for w in workers), workers
    assert max(share(w) for w in workers) < 0.7, workers
    assert cpus_while_all_ran(workers) < 1.15, workers


def sampled_states(ctx, samples: int = 20):
    """An observed run of ``process_states``, sampled once each process is where it
    should be: the waiter asleep inside ``get``, the busy ones pinned to CPU 0 and running.
    Returns the run, the window of its samples, and the CPUs the busy ones were allowed."""
    with watching(process_states.main, ctx.get_start_method()) as watch:
        settle = watch.gate("sleep", lane="MainProcess")  # before the first sample
        watch.start(samples=samples, settle=0)
        assert settle.arrived.wait(30)
        lanes = {p.name: p for p in watch.children()}

        def in_place(tl):
            getting = {s.lane: s.pid for s in tl.open("get")}
            running = [psutil.Process(lanes[n].pid).status() for n in ("busy-1", "busy-2")]
            return (
                "waiter" in getting
                and asleep(getting["waiter"])
                and set(running) == {psutil.STATUS_RUNNING}
            )

        def pinned():
            return all(os.sched_getaffinity(lanes[n].pid) == {0} for n in ("busy-1", "busy-2"))

        assert until(pinned), "the busy processes never pinned themselves to CPU 0"
        assert watch.until(in_place), "never the waiter asleep in get(), the others running"
        cpus = {n: os.sched_getaffinity(lanes[n].pid) for n in ("busy-1", "busy-2")}
        settle.go.set()
        run = watch.wait()
    sleeps = run.timeline.spans("sleep", lane="MainProcess")
    assert len(sleeps) == samples + 1
    return run, (sleeps[0].end, sleeps[-1].start), cpus


@linux_only
@pytest.mark.claim("blocked-process-sleeps")
def test_waiting_process_is_blocked_busy_one_runnable(ctx):
    run, (first, last), _ = sampled_states(ctx)
    states = run.result["states"]
    assert set(states["waiter"]) == {psutil.STATUS_SLEEPING}
    assert set(states["busy-1"]) | set(states["busy-2"]) == {psutil.STATUS_RUNNING}
    # What was sampled: three processes other than this one, the waiter inside get() and
    # the busy ones inside their run from the first sample to the last.
    tl = run.timeline
    ran = {s.lane: s for s in tl.spans("run")}
    assert len({s.pid for s in ran.values()} | {os.getpid()}) == 4
    (got,) = [s for s in tl.spans("get") if s.lane == "waiter"]
    assert got.start < first and last < got.end
    assert all(ran[n].start < first and last < ran[n].end for n in ("busy-1", "busy-2"))


@linux_only
@pytest.mark.claim("time-slice-end-is-not-blocking")
def test_preempted_process_stays_runnable(ctx):
    run, _, cpus = sampled_states(ctx)
    # Two processes other than this one, each allowed on CPU 0 only: they compete for it.
    assert cpus == {"busy-1": {0}, "busy-2": {0}}
    busy = run.result["states"]["busy-1"] + run.result["states"]["busy-2"]
    assert set(busy) == {psutil.STATUS_RUNNING}  # never asleep, although ...
    switches = run.result["involuntary_switches"]
    assert switches["busy-1"] > 0 and switches["busy-2"] > 0  # ... the OS took the CPU away


#: The parent's calls that collect an exited child; "nothing" is the control.
WAITS = ("join()", "is_alive()", "exitcode", "active_children()", "start()", "close()",
         "repr()", "nothing")  # fmt: skip


def exited_child(ctx):
    """A child that has exited, and is a zombie: nobody waited for it yet."""
    child = ctx.Process(target=int)
    child.start()
    assert wait([child.sentinel], 30)  # it has exited: this wait collects nothing
    # the kernel closes a child's files (its sentinel) just before it is a zombie
    assert until(lambda: zombie.state(child.pid) == psutil.STATUS_ZOMBIE)
    return child


def collect(ctx, child, call: str) -> list:
    """Do ``call`` once the child has exited; the processes to join afterwards."""
    later = []
    match call:  # os.waitpid(pid, 0) in join(), os.waitpid(pid, os.WNOHANG) in the others
        case "is_alive()":
            child.is_alive()
        case "exitcode":
            _ = child.exitcode  # reading the property is enough
        case "active_children()":
            multiprocessing.active_children()
        case "start()":  # of another process: start() first collects the children that exited
            later.append(ctx.Process(target=int))
            later[0].start()
        case "close()":
            child.close()  # a closed one cannot be joined
            return later
        case "repr()":
            repr(child)  # even this: it shows the exit code, so it asks for it
    return [child, *later]


@linux_only
@pytest.mark.claim("exited-child-is-zombie-until-joined")
@pytest.mark.parametrize("call", WAITS)
def test_exited_child_stays_a_zombie_until_the_parent_waits(ctx, call):
    if ctx.get_start_method() == "forkserver":
        pytest.skip("the child belongs to the fork server, which reaps it at once")
    if call == "join()":  # the listing itself, held just before its join()
        with watching(zombie.main, ctx.get_start_method()) as watch:
            joining = watch.gate("join")
            watch.start()
            assert joining.arrived.wait(30)
            (child,) = watch.children()
            # It has exited (its sentinel was ready) and nobody waited for it: a zombie.
            assert until(lambda: zombie.state(child.pid) == psutil.STATUS_ZOMBIE)
            joining.go.set()
            run = watch.wait()
        assert run.result["after"] == "gone"  # join() waited for it
        return
    child = exited_child(ctx)
    pid, rest = child.pid, collect(ctx, child, call)
    after = zombie.state(pid)
    for p in rest:
        p.join(30)
    # Each of these calls waits for it (waitpid with WNOHANG); doing nothing does not.
    assert after == (psutil.STATUS_ZOMBIE if call == "nothing" else "gone"), call
