"""Claims of §3.1–3.2: processes, threads and how they differ."""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import psutil
import pytest

from chapter3 import concepts

ROOT = Path(concepts.__file__).resolve().parent.parent

linux_only = pytest.mark.skipif(sys.platform != "linux", reason="needs Linux (/proc, affinity)")
two_cpus = pytest.mark.skipif(
    not hasattr(os, "sched_getaffinity") or len(os.sched_getaffinity(0)) < 2,
    reason="needs at least two usable CPUs and CPU affinity",
)
gil_only = pytest.mark.skipif(
    not getattr(sys, "_is_gil_enabled", lambda: True)(),
    reason="a free-threaded build runs Python threads in parallel",
)


@pytest.mark.claim("same-program-different-pids")
def test_one_function_two_processes(ctx):
    run = concepts.same_program(ctx, n=2)
    assert len(set(run.child_pids)) == 2
    assert run.parent_pid not in run.child_pids
    said = run.timeline.transcript()
    assert sorted(said) == sorted(f"进程 {pid} 运行同一个函数" for pid in run.child_pids)


@linux_only
@two_cpus
@pytest.mark.exclusive
@pytest.mark.claim("parallel-on-two-cores")
def test_two_cpu_bound_processes_run_in_parallel(ctx):
    run = concepts.parallel_vs_pinned(ctx, work=2_000_000, repeat=2)
    free, pinned = run.parallel.workers, run.one_core.workers
    # The experiment is what it says: two processes each time, free ones allowed on every
    # CPU, pinned ones only on CPU 0 (as each read inside itself), and each pair side by side.
    assert concepts.kind_of(free) == concepts.kind_of(pinned) == "processes", run
    assert all(w.affinity == concepts.affinity() for w in free), free
    assert all(w.affinity == (0,) for w in pinned), pinned
    assert concepts.overlap_fraction(free) > 0.6 and concepts.overlap_fraction(pinned) > 0.6, run
    # Free: each had a CPU of its own all the time (ideal 1.0), so the pair took the time
    # of one, and while both ran they kept two CPUs busy. Pinned: they took turns (ideal
    # 0.5 each), so the pair took twice that.
    assert min(run.parallel_shares) > 0.85, run
    assert concepts.cpus_while_all_ran(free) > 1.3, run
    assert max(run.one_core_shares) < 0.7, run


@linux_only
@pytest.mark.exclusive
@pytest.mark.claim("time-slicing-on-one-core")
def test_one_core_interleaves_processes(ctx):
    pair = concepts.timed_pair(ctx, work=2_000_000, cpu=0)
    workers = pair.workers
    # Two processes, each of which found itself allowed on CPU 0 only, computing side by side.
    assert concepts.kind_of(workers) == "processes", pair
    assert all(w.affinity == (0,) for w in workers), workers
    assert concepts.overlap_fraction(workers) > 0.6, pair
    # Interleaved, not one after the other: while both ran, each made progress (at least a
    # quarter of the CPU, ideal a half), neither had the CPU to itself (below 70% of its
    # time), and together they never kept more than the one core busy.
    assert all(concepts.cpu_in_overlap(w, workers) > 0.25 for w in workers), pair
    assert max(w.share for w in workers) < 0.7, pair
    assert concepts.cpus_while_all_ran(workers) < 1.15, pair


@linux_only
@pytest.mark.claim("blocked-process-sleeps")
def test_waiting_process_is_blocked_busy_one_runnable(ctx):
    run = concepts.blocked_vs_running(ctx, samples=20)
    assert set(run.waiting) == {psutil.STATUS_SLEEPING}
    assert set(run.busy) == {psutil.STATUS_RUNNING}
    # What was sampled: two processes other than this one, the waiter inside queue.get and
    # the worker inside its loop from the first sample to the last.
    pids = {lane: {e.pid for e in run.timeline if e.lane == lane} for lane in ("waiter", "worker")}
    assert len(pids["waiter"] | pids["worker"]) == 2 and os.getpid() not in pids["waiter"]
    assert os.getpid() not in pids["worker"], pids
    first, last = run.timeline.said("开始采样").t, run.timeline.said("采样结束").t
    (waited,) = run.timeline.spans("waiter")
    (computed,) = run.timeline.spans("worker")
    assert waited.text == "queue.get" and waited.start < first and last < waited.end
    assert computed.text == "spin" and computed.start < first and last < computed.end


@linux_only
@pytest.mark.claim("time-slice-end-is-not-blocking")
def test_preempted_process_stays_runnable():
    run = concepts.preempted_not_blocked(samples=30)
    # Two processes other than this one, each of which found itself allowed on CPU 0 only:
    # they compete for that one CPU.
    pids = [pid for pid, _ in run.placed]
    assert len(set(pids)) == 2 and os.getpid() not in pids, run.placed
    assert all(cpus == (0,) for _, cpus in run.placed), run.placed
    assert set(run.states) == {psutil.STATUS_RUNNING}
    assert all(n > 0 for n in run.involuntary_switches)


@linux_only
@pytest.mark.claim("exited-child-is-zombie-until-joined")
@pytest.mark.parametrize("call", concepts.WAITS)
def test_exited_child_stays_a_zombie_until_the_parent_waits(ctx, call):
    if ctx.get_start_method() == "forkserver":
        pytest.skip("the child belongs to the fork server, which reaps it at once")
    run = concepts.zombie_until_waited_for(ctx, call)
    # It had exited (its sentinel was ready) and nobody had waited for it: a zombie.
    assert run.before == psutil.STATUS_ZOMBIE, run
    # Each of these calls waits for it (waitpid with WNOHANG); doing nothing does not.
    assert run.after == (psutil.STATUS_ZOMBIE if call == "nothing" else "gone"), run


def test_zombie_example_rejects_an_unknown_call(ctx):
    with pytest.raises(ValueError, match="call must be one of"):
        concepts.zombie_until_waited_for(ctx, "poll()")


@pytest.mark.claim("threads-share-pid")
def test_threads_report_their_process_pid():
    run = concepts.threads_in_a_process(n=3)
    assert run.pid == os.getpid()
    assert {t["pid"] for t in run.threads.values()} == {run.pid}


@pytest.mark.claim("threads-share-globals-not-locals")
def test_threads_share_globals_but_not_locals():
    run = concepts.threads_in_a_process(n=3)
    assert all(t["globals_seen"] == 3 for t in run.threads.values())
    assert all(t["locals_seen"] == 1 for t in run.threads.values())


@pytest.mark.claim("threads-know-each-other")
def test_a_thread_can_list_the_others():
    run = concepts.threads_in_a_process(n=3)
    everyone = {"MainThread", *run.threads}
    assert all(everyone <= set(t["others_visible"]) for t in run.threads.values())


@linux_only
@pytest.mark.claim("os-schedules-threads")
def test_each_thread_is_a_kernel_task():
    run = concepts.threads_in_a_process(n=3)
    native = {t["native_id"] for t in run.threads.values()}
    assert len(native) == 3 and os.getpid() not in native
    assert native <= set(run.tasks)


@pytest.mark.claim("threads-are-preempted")
def test_spinning_thread_cannot_starve_the_others():
    run = concepts.threads_are_preempted(deadline=10.0)
    assert run.stopped_by_main and run.spins_before_stop > 0


@pytest.mark.claim("threads-cannot-be-killed")
def test_no_way_to_kill_a_thread_from_outside(ctx):
    for name in ("terminate", "kill", "stop", "exitcode"):
        assert not hasattr(threading.Thread, name)
        if name != "stop":
            assert hasattr(ctx.Process, name)  # a process can be ended from outside
    assert concepts.stop_a_thread_politely()


@pytest.mark.skipif(sys.implementation.name != "cpython", reason="a CPython C API function")
@pytest.mark.claim("threads-cannot-be-killed")
def test_an_exception_thrown_into_a_thread_waits_for_its_next_bytecode():
    patience = 1.0
    run = concepts.throw_stop(patience=patience, deadline=10.0)
    # Running bytecode: Stop is raised at once, long before the thread's own deadline.
    assert run.computing == "Stop" and run.computing_delay < 1.0, run
    # Blocked in lock.acquire (C code): thrown while acquire was still waiting, raised
    # only when acquire gave up after `patience` seconds: not a moment before.
    assert run.waiting == "Stop", run
    assert run.thrown_after < patience <= run.raised_after, run
    assert run.waiting_delay > patience / 2, run


@gil_only
@pytest.mark.exclusive
@pytest.mark.claim("one-thread-runs-python-at-a-time")
def test_python_bytecode_runs_in_one_thread_at_a_time():
    python = concepts.two_tasks_in_threads(concepts.python_work(2_000_000))
    # Two threads of this process, computing side by side (not one after the other) ...
    assert concepts.kind_of(python.threads) == "threads", python
    assert concepts.overlap_fraction(python.threads) > 0.6, python
    # ... and the GIL: two threads of bytecode never keep more than one CPU busy between them.
    assert python.cores < 1.15, python
    assert concepts.cpus_while_all_ran(python.threads) < 1.15, python
    if len(os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else [0]) >= 2:
        # long enough (128 MiB, ~0.1 s a thread) that starting the threads is small beside it
        hashing = concepts.two_tasks_in_threads(concepts.hashing_work(128))
        assert concepts.kind_of(hashing.threads) == "threads", hashing
        assert concepts.overlap_fraction(hashing.threads) > 0.6, hashing
        # C code that releases the GIL: well over one CPU at once (ideal 2).
        assert hashing.cores > 1.3, hashing
        assert concepts.cpus_while_all_ran(hashing.threads) > 1.3, hashing


@pytest.mark.exclusive
@pytest.mark.claim("thread-start-cheaper")
def test_a_thread_starts_much_faster_than_a_process(ctx):
    cost = concepts.start_cost(ctx, n=10)
    # Measured here: ~20x for fork, ~500-1000x for spawn and forkserver.
    assert cost.ratio > 5, cost


DEADLOCK = """
import json, sys
from chapter3.concepts import deadlock
run = deadlock(patience=float(sys.argv[1]), dump_after=float(sys.argv[2]))
print(json.dumps({"dump": run.dump, "idents": run.idents, "took": run.took_second}))
"""


def _line_of(func, text: str) -> int:
    """The line number, in its file, of the one line of ``func`` that contains ``text``."""
    lines, first = inspect.getsourcelines(func)
    (offset,) = [i for i, line in enumerate(lines) if text in line]
    return first + offset


@pytest.mark.claim("faulthandler-shows-where-threads-wait")
def test_faulthandler_dump_shows_both_threads_waiting_in_acquire():
    done = subprocess.run(
        [sys.executable, "-c", DEADLOCK, "3.0", "0.5"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=concepts.TIMEOUT,
        check=True,
    )
    run = json.loads(done.stdout)
    # A real deadlock: each thread waited for the lock the other held, and gave up.
    assert run["took"] == {"left": False, "right": False}, run
    assert run["dump"].startswith("Timeout (0:00:00.500000)!"), run["dump"]
    frames = concepts.innermost_frames(run["dump"])
    where = (
        str(Path(concepts.__file__).resolve()),
        _line_of(concepts._take_two, "second.acquire("),
        "_take_two",
    )
    for name, ident in run["idents"].items():
        assert frames.get(ident) == where, (name, run["dump"])
    # The dump lists every thread, the main one too, waiting inside threading's join.
    (main,) = [frame for ident, frame in frames.items() if ident not in run["idents"].values()]
    assert Path(main[0]).name == "threading.py" and len(frames) == 3, run["dump"]


@pytest.mark.claim("numpy-parallel-only-in-blas")
def test_numpy_uses_threads_for_matrix_products_only():
    pytest.importorskip("numpy")
    run = concepts.numpy_threads(n=1200)
    assert run.busy_in_elementwise == 1
    if run.blas_threads < 2:
        pytest.skip(f"the BLAS pool has {run.blas_threads} thread(s) on this machine")
    assert run.busy_in_matmul >= 2
