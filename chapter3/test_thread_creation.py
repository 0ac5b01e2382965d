"""Claims of §3.4 (threads, the GIL, I/O) and §3.4.1 (creating a thread, 例 3-11)."""

from __future__ import annotations

import inspect
import multiprocessing
import os
import sys
import threading
import urllib.error

import pytest

from chapter3 import thread_creation as tc
from chapter3.concepts import cpus_while_all_ran, kind_of, overlap_fraction

linux_only = pytest.mark.skipif(sys.platform != "linux", reason="needs Linux (/proc, affinity)")
two_cpus = pytest.mark.skipif(
    not hasattr(os, "sched_getaffinity") or len(os.sched_getaffinity(0)) < 2,
    reason="needs at least two usable CPUs",
)
gil_only = pytest.mark.skipif(
    not tc.gil_enabled(),
    reason="this interpreter runs without the GIL (a free-threaded build): "
    "Python threads run bytecode in parallel here",
)
free_threaded_only = pytest.mark.skipif(
    tc.gil_enabled(),
    reason=f"this interpreter (CPython {sys.version.split()[0]}, "
    f"{'free-threaded build' if tc.free_threaded_build() else 'standard build'}) runs with the "
    "GIL; the claim is about free-threaded builds (3.13t, 3.14t) with the GIL off",
)


# §3.4: what a thread is to the Linux kernel ------------------------------------------


@linux_only
@pytest.mark.claim("linux-threads-are-kernel-threads")
def test_the_kernel_schedules_each_thread_on_its_own():
    run = tc.kernel_threads(warm_s=0.05)
    if run.pthread:  # glibc names its thread library; NPTL is 1:1 (one kernel task per thread)
        assert run.pthread.startswith("NPTL"), run.pthread
    ids = [t["native_id"] for t in run.threads.values()]
    assert len(set(ids)) == 3 and set(ids) <= set(run.tasks), run
    spinner, sleeper = run.threads["spinner"], run.threads["sleeper"]
    pinned = max(os.sched_getaffinity(0))
    # Affinity is per kernel task: the spinner pinned itself, nobody else moved.
    assert spinner["affinity"] == [pinned] and spinner["cpu"] == pinned, spinner
    assert sleeper["affinity"] == sorted(os.sched_getaffinity(0)), sleeper
    # The kernel keeps a state and a CPU clock per thread.
    assert sleeper["state"] == "S", sleeper
    assert spinner["cpu_ticks"] >= 1 and sleeper["cpu_ticks"] < spinner["cpu_ticks"], run


# §3.4: the GIL -----------------------------------------------------------------------


@gil_only
@linux_only
@two_cpus
@pytest.mark.exclusive
@pytest.mark.claim("gil-serialises-bytecode-not-threads")
def test_the_gil_serialises_bytecode_but_not_c_code_that_releases_it():
    run = tc.gil_and_c_code(work=2_000_000, megabytes=2, repeat=2)
    assert run.gil
    # Each time: two threads of this process, computing side by side.
    for pair in (run.python, run.zlib):
        assert kind_of(pair.threads) == "threads", pair
        assert overlap_fraction(pair.threads) > 0.6, pair
    # Bytecode: two threads never get more than one CPU's worth between them.
    assert run.python.cores < 1.25, run.python
    assert cpus_while_all_ran(run.python.threads) < 1.25, run.python
    # zlib releases the GIL: while both threads compress, both really run, on two CPUs ...
    assert cpus_while_all_ran(run.zlib.threads) > 1.3, run.zlib
    # ... and the kernel finds both ready to run at the same time: neither waits for the GIL.
    ready = tc.ready_together(kinds=("zlib threads",), samples=150)
    assert ready.both_ready("zlib threads") >= 0.8, ready.patterns


@gil_only
@linux_only
@two_cpus
@pytest.mark.exclusive
@pytest.mark.claim("cpu-bound-threads-use-one-core")
def test_threads_use_one_core_where_processes_could_use_two(ctx):
    run = tc.cpu_bound(ctx, work=2_000_000, repeat=2)
    # The threads are threads of this process, the processes are processes of their own,
    # and each pair computed side by side.
    assert kind_of(run.threads) == "threads" and kind_of(run.processes) == "processes", run
    assert overlap_fraction(run.threads) > 0.6 and overlap_fraction(run.processes) > 0.6, run
    # Threads: at most one CPU's worth of bytecode at a time, however many cores are idle.
    assert run.thread_cores < 1.25, run
    assert cpus_while_all_ran(run.threads) < 1.25, run
    # Processes: while both computed, they kept two CPUs busy (ideal 2.0).
    assert cpus_while_all_ran(run.processes) > 1.3, run
    # The kernel finds both ready to run all the time, as it does any two busy processes.
    ready = tc.ready_together(ctx, kinds=("processes",), samples=150)
    assert ready.both_ready("processes") >= 0.9, ready.patterns


@free_threaded_only
@linux_only
@pytest.mark.claim("free-threaded-build-runs-threads-in-parallel")
def test_without_the_gil_bytecode_threads_are_ready_together():
    assert tc.free_threaded_build()
    ready = tc.ready_together(kinds=("python threads",), samples=150)
    assert ready.both_ready("python threads") >= 0.8, ready.patterns


def test_gil_status_agrees_with_the_build():
    # A standard build always has the GIL; only a free-threaded one may run without it.
    if not tc.free_threaded_build():
        assert tc.gil_enabled()
    if sys.version_info < (3, 13):
        assert not hasattr(sys, "_is_gil_enabled") and tc.gil_enabled()


# §3.4: I/O-bound work ----------------------------------------------------------------

PAGES, LATENCY = 8, 0.1


@pytest.fixture
def server():
    """A real HTTP server on 127.0.0.1 answering each GET after LATENCY seconds."""
    with tc.page_server(latency=LATENCY, max_requests=2 * PAGES) as srv:
        yield srv


@pytest.mark.claim("threads-speed-up-io-bound-work")
@pytest.mark.claim("gil-serialises-bytecode-not-threads")
def test_fetching_pages_in_threads_overlaps_the_waits(server):
    run = tc.fetch_pages(pages=PAGES, latency=LATENCY, base_url=server.url)
    assert run.same_pages and server.served == 2 * PAGES
    # One after another, each page costs at least the server's latency: a hard lower bound.
    assert run.sequential_s >= PAGES * LATENCY
    # In threads the waits overlap: ideal ~LATENCY; well under half of the sequential time.
    assert run.threaded_s < run.sequential_s / 2, run
    assert run.timeline.max_overlap("waiting", "GET") >= 2
    # Every page was fetched once in a thread of the pool, all of them in this process.
    gets = [s for s in run.timeline.spans() if s.text == "GET" and "/fetch" in s.lane]
    assert len(gets) == PAGES and {e.pid for e in run.timeline} == {os.getpid()}, gets


def test_the_page_server_refuses_past_its_budget():
    with tc.page_server(latency=0, max_requests=1) as srv:
        assert tc.fetch(f"{srv.url}/a") == "page /a"
        with pytest.raises(urllib.error.HTTPError) as refused:
            tc.fetch(f"{srv.url}/b")
        refused.value.close()
        assert refused.value.code == 503 and srv.served == 1


# §3.4: the cost of creating ----------------------------------------------------------


@pytest.mark.exclusive
@pytest.mark.claim("thread-creation-overhead-smaller")
def test_a_batch_of_threads_starts_much_faster_than_a_batch_of_processes(ctx):
    cost = tc.creation_cost(ctx, n=8, repeat=3)
    # Measured here: ~40x with fork, several hundred times with spawn and forkserver.
    assert cost.ratio > 5, cost


# §3.4.1: 例 3-11 ---------------------------------------------------------------------


@pytest.mark.claim("example-3-11-sum-in-a-thread")
def test_example_3_11_adds_up_to_5050_in_another_thread():
    run = tc.one_thread()
    assert run.total == 5050 and run.join_returned is None
    said = run.timeline.said("5050")
    assert said.lane == "MainProcess/counter" and said.pid == os.getpid()
    (joined,) = run.timeline.spans("MainProcess")
    assert said.t <= joined.end  # join() returned only after the thread had counted
    assert tc.one_thread(n=0).total == 0


@pytest.mark.parametrize("bad", [-1, 2.5, "100", True])
def test_example_3_11_rejects_a_bad_n(bad):
    with pytest.raises(ValueError, match="n must be an int >= 0"):
        tc.one_thread(bad)


# §3.4.1: a thread beside a process ----------------------------------------------------

COMMON = ("start", "run", "join", "is_alive", "name", "daemon", "ident")
PROCESS_ONLY = ("pid", "exitcode", "terminate", "kill", "close", "sentinel", "authkey")


@pytest.mark.claim("thread-api-mirrors-process")
def test_thread_has_the_process_api_without_the_process_parts(ctx):
    for cls in (threading.Thread, ctx.Process):
        params = inspect.signature(cls.__init__).parameters
        assert {"target", "args", "kwargs", "name", "daemon"} <= set(params), cls
        assert all(hasattr(cls, name) for name in COMMON), cls
    assert not any(hasattr(threading.Thread, name) for name in PROCESS_ONLY)
    assert all(hasattr(ctx.Process, name) for name in PROCESS_ONLY)
    assert hasattr(threading.Thread, "native_id") and not hasattr(ctx.Process, "native_id")


@pytest.mark.claim("thread-misuse-raises-runtimeerror")
def test_misuse_raises_runtimeerror_for_threads_assertionerror_for_processes(ctx):
    run = tc.misuse(ctx)
    assert run.thread == {
        "join before start": "RuntimeError: cannot join thread before it is started",
        "start twice": "RuntimeError: threads can only be started once",
        "daemon after start": "RuntimeError: cannot set daemon status of active thread",
        "join itself": "RuntimeError: cannot join current thread",
    }
    assert run.process == {
        "join before start": "AssertionError: can only join a started process",
        "start twice": "AssertionError: cannot start a process twice",
        "daemon after start": "AssertionError: process has already started",
    }


@pytest.mark.claim("thread-args-error-reported-in-thread")
def test_args_without_comma_fails_inside_the_thread(ctx):
    run = tc.args_without_comma(ctx)
    assert run.start_raised == "no error"  # start() and join() never tell the caller
    (report,) = run.reported
    assert report.startswith("TypeError: ") and "must be an iterable, not int" in report
    assert report.endswith("(no-comma)")
    # A Process turns args into a tuple in its constructor: the caller gets the error at once.
    assert run.process_raised == "TypeError: 'int' object is not iterable"


@pytest.mark.claim("thread-ids-ident-and-native-id")
def test_each_thread_has_an_ident_and_a_native_id():
    run = tc.thread_ids(n=3)
    assert run.before_start == (None, None)
    assert run.seen_inside == run.seen_outside
    natives = [t["native_id"] for t in run.seen_inside.values()] + [run.main["native_id"]]
    idents = [t["ident"] for t in run.seen_inside.values()] + [run.main["ident"]]
    assert len(set(natives)) == len(set(idents)) == 4
    assert not set(natives) & set(idents)  # two different numberings
    if sys.platform == "linux":  # the main thread is the task whose id is the PID
        assert run.main["native_id"] == run.pid == os.getpid()
        assert run.pid not in [t["native_id"] for t in run.seen_inside.values()]


@pytest.mark.claim("daemon-threads-abandoned-at-exit")
def test_exit_waits_for_non_daemon_threads_and_abandons_daemon_threads():
    run = tc.daemon_at_exit(work=0.2)
    assert run.returncode == 0 and run.stderr == ""
    # The daemon thread sleeps 60 s; the interpreter was done long before.
    assert run.seconds < tc.TIMEOUT
    assert run.timeline.transcript("en") == [
        "main thread: reached the end of the program",
        "non-daemon thread: job done",
    ]
    daemon = [e for e in run.timeline if e.lane.endswith("/daemon")]
    assert [(e.kind, e.text) for e in daemon] == [("begin", "endless job")]  # no end, no finally


def test_examples_reject_bad_sizes():
    with pytest.raises(ValueError, match="pages must be a positive number"):
        tc.fetch_pages(pages=0)
    with pytest.raises(ValueError, match="latency must be >= 0"), tc.page_server(latency=-1):
        pass
    with pytest.raises(ValueError, match="n must be a positive number"):
        tc.creation_cost(multiprocessing.get_context(), n=0)
    with pytest.raises(ValueError, match="work must be a positive number"):
        tc.daemon_at_exit(work=-0.1)
