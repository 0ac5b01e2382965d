"""Claims of §3.1–3.2: processes, threads and how they differ."""

from __future__ import annotations

import os
import sys
import threading

import psutil
import pytest

from chapter3 import concepts

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
    # Free: each had a CPU of its own all the time (ideal 1.0), so the pair took the time
    # of one. Pinned: they took turns (ideal 0.5 each), so the pair took twice that.
    assert min(run.parallel_shares) > 0.85, run
    assert max(run.one_core_shares) < 0.7, run


@linux_only
@pytest.mark.claim("time-slicing-on-one-core")
def test_one_core_interleaves_processes(ctx):
    run = concepts.parallel_vs_pinned(ctx, work=2_000_000)
    pinned = [s for s in run.timeline.spans() if s.lane.startswith("cpu0-")]
    first, second = sorted(pinned, key=lambda s: s.start)
    # Interleaved, not one after the other: the second starts before the first is done,
    # and the first does not finish long before the second (they shared the CPU).
    assert second.start < first.end


@linux_only
@pytest.mark.claim("blocked-process-sleeps")
def test_waiting_process_is_blocked_busy_one_runnable(ctx):
    run = concepts.blocked_vs_running(ctx, samples=20)
    assert set(run.waiting) == {psutil.STATUS_SLEEPING}
    assert set(run.busy) == {psutil.STATUS_RUNNING}


@linux_only
@pytest.mark.claim("time-slice-end-is-not-blocking")
def test_preempted_process_stays_runnable():
    run = concepts.preempted_not_blocked(samples=30)
    assert set(run.states) == {psutil.STATUS_RUNNING}
    assert all(n > 0 for n in run.involuntary_switches)


@pytest.mark.claim("exited-child-is-zombie-until-joined")
def test_exited_child_waits_to_be_joined(ctx):
    if ctx.get_start_method() == "forkserver":
        pytest.skip("the child belongs to the fork server, which reaps it at once")
    run = concepts.zombie_until_joined(ctx)
    assert run.before_join == psutil.STATUS_ZOMBIE
    assert not run.exists_after_join


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


@gil_only
@pytest.mark.exclusive
@pytest.mark.claim("one-thread-runs-python-at-a-time")
def test_python_bytecode_runs_in_one_thread_at_a_time():
    python = concepts.two_tasks_in_threads(concepts.python_work(1_000_000))
    # The GIL: two threads of bytecode never keep more than one CPU busy between them.
    assert python.cores < 1.15, python
    if len(os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else [0]) >= 2:
        hashing = concepts.two_tasks_in_threads(concepts.hashing_work(32))
        # C code that releases the GIL: well over one CPU at once (ideal 2).
        assert hashing.cores > 1.3, hashing


@pytest.mark.exclusive
@pytest.mark.claim("thread-start-cheaper")
def test_a_thread_starts_much_faster_than_a_process(ctx):
    cost = concepts.start_cost(ctx, n=10)
    # Measured here: ~20x for fork, ~500-1000x for spawn and forkserver.
    assert cost.ratio > 5, cost


@pytest.mark.claim("numpy-parallel-only-in-blas")
def test_numpy_uses_threads_for_matrix_products_only():
    pytest.importorskip("numpy")
    run = concepts.numpy_threads(n=1200)
    assert run.busy_in_elementwise == 1
    if run.blas_threads < 2:
        pytest.skip(f"the BLAS pool has {run.blas_threads} thread(s) on this machine")
    assert run.busy_in_matmul >= 2
