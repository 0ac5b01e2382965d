"""Claims of §3.4 about what a thread is to the kernel, and about the GIL."""

from __future__ import annotations

import itertools
import math
import os
import sys

import pytest

from chapter3.kit.listing import observe
from chapter3.thread_creation import (
    cpu_bound,
    gil_status,
    gil_threads,
    kernel_threads,
    ready_together,
)

linux_only = pytest.mark.skipif(sys.platform != "linux", reason="needs Linux (/proc, affinity)")
two_cpus = pytest.mark.skipif(
    not hasattr(os, "sched_getaffinity") or len(os.sched_getaffinity(0)) < 2,
    reason="needs at least two usable CPUs",
)
gil_only = pytest.mark.skipif(
    not gil_status.gil_enabled(),
    reason="this interpreter runs without the GIL (a free-threaded build): "
    "Python threads run bytecode in parallel here",
)
free_threaded_only = pytest.mark.skipif(
    gil_status.gil_enabled(),
    reason=f"this interpreter (CPython {sys.version.split()[0]}, "
    f"{'free-threaded build' if gil_status.free_threaded_build() else 'standard build'}) runs "
    "with the GIL; the claim is about free-threaded builds (3.13t, 3.14t) with the GIL off",
)


def wall(workers) -> float:
    return max(w["end"] for w in workers) - min(w["start"] for w in workers)


def overlap(workers) -> float:
    """How long all the workers computed at the same time (0.0 if never)."""
    return max(0.0, min(w["end"] for w in workers) - max(w["start"] for w in workers))


def overlap_fraction(workers) -> float:
    """That overlap over the shortest worker's time: ~1 side by side, ~0 one after another."""
    return overlap(workers) / min(w["end"] - w["start"] for w in workers)


def cpus_while_all_ran(workers) -> float:
    """At least how many CPUs the workers kept busy together while all of them computed.

    Outside the overlap a worker gets at most one CPU second per second, so the CPU time
    it got beyond its time outside the overlap was got inside it."""
    both = overlap(workers)
    inside = [max(0.0, w["cpu"] - (w["end"] - w["start"] - both)) for w in workers]
    return sum(inside) / both if both > 0 else 0.0


def cores(workers) -> float:
    """CPUs kept busy on average: CPU time over wall time."""
    return sum(w["cpu"] for w in workers) / wall(workers)


def ran_in(workers, tl, lanes) -> tuple[str, ...]:
    """Lanes among ``lanes``, one per worker, whose ``run`` span holds that worker's
    computing."""
    runs = [s for s in tl.spans("run") if s.lane in lanes]
    for pick in itertools.permutations(runs, len(workers)):
        if all(
            s.start <= w["start"] and w["end"] <= s.end for s, w in zip(pick, workers, strict=True)
        ):
            return tuple(s.lane for s in pick)
    raise AssertionError(f"not each in a run of its own: {workers}, {runs}")


def threads_of_ours(workers, tl) -> tuple[str, ...]:
    """Each worker computed inside a thread of this process, none in the main thread."""
    lanes = {s.lane for s in tl.spans("run") if s.pid == os.getpid() and "/" in s.lane}
    return ran_in(workers, tl, lanes)


def both_ready(patterns: dict, kind: str) -> float:
    counts = patterns[kind]
    return counts.get("RR", 0) / sum(counts.values())


# §3.4: what a thread is to the Linux kernel ------------------------------------------


@linux_only
@pytest.mark.claim("linux-threads-are-kernel-threads")
def test_the_kernel_schedules_each_thread_on_its_own():
    run = observe(kernel_threads.main, warm=0.05)
    seen = run.result
    if seen["pthread"]:  # glibc names its thread library; NPTL is 1:1 (a kernel task per thread)
        assert seen["pthread"].startswith("NPTL"), seen["pthread"]
    spinner, sleeper, main = seen["spinner"], seen["sleeper"], seen["MainThread"]
    tids = [main["tid"], spinner["tid"], sleeper["tid"]]
    assert len(set(tids)) == 3 and set(tids) <= set(seen["tasks"]), seen
    assert main["tid"] == os.getpid()
    for name in ("spinner", "sleeper"):  # both were threads of this process
        (ran,) = run.timeline.spans("run", f"MainProcess/{name}")
        assert ran.pid == os.getpid() and ran.end < math.inf
    pinned = max(os.sched_getaffinity(0))
    # Affinity is per kernel task: the spinner pinned itself, nobody else moved.
    assert spinner["affinity"] == [pinned] and spinner["cpu"] == pinned, spinner
    assert sleeper["affinity"] == main["affinity"] == sorted(os.sched_getaffinity(0)), seen
    # The kernel keeps a state and a CPU clock per thread.
    assert sleeper["state"] == "S", sleeper
    assert spinner["ticks"] >= 1 and sleeper["ticks"] < spinner["ticks"], seen


# §3.4: the GIL -----------------------------------------------------------------------


def fastest(runs, workers):
    """Of several observed runs, the one whose ``workers(result)`` were done soonest
    (filters out moments when something else had the CPU)."""
    return min(runs, key=lambda r: wall(workers(r.result)))


@gil_only
@linux_only
@two_cpus
@pytest.mark.exclusive
@pytest.mark.claim("gil-serialises-bytecode-not-threads")
def test_the_gil_serialises_bytecode_but_not_c_code_that_releases_it():
    runs = [observe(gil_threads.main, work=2_000_000, megabytes=2) for _ in range(2)]
    best = {}
    for kind in ("python", "zlib"):  # each time two threads of this process, side by side
        run = fastest(runs, lambda r, kind=kind: r[kind])
        best[kind] = run.result[kind]
        threads_of_ours(best[kind], run.timeline)
        assert overlap_fraction(best[kind]) > 0.6, best[kind]
    python, zlib = best["python"], best["zlib"]
    # Bytecode: two threads never get more than one CPU's worth between them.
    assert cores(python) < 1.25 and cpus_while_all_ran(python) < 1.25, python
    # zlib releases the GIL: while both threads compress, both really run, on two CPUs ...
    assert cpus_while_all_ran(zlib) > 1.3, zlib
    # ... and the kernel finds both ready to run at the same time: neither waits for the GIL.
    ready = observe(ready_together.main, kinds=("zlib",), samples=150).result
    assert both_ready(ready, "zlib") >= 0.8, ready


@gil_only
@linux_only
@two_cpus
@pytest.mark.exclusive
@pytest.mark.claim("cpu-bound-threads-use-one-core")
def test_threads_use_one_core_where_processes_could_use_two(ctx):
    method = ctx.get_start_method()
    runs = [observe(cpu_bound.main, method, work=2_000_000) for _ in range(2)]
    by_threads = fastest(runs, lambda r: r["threads"])
    by_processes = fastest(runs, lambda r: r["processes"])
    threads, processes = by_threads.result["threads"], by_processes.result["processes"]
    # The threads are threads of this process, the processes processes of their own ...
    threads_of_ours(threads, by_threads.timeline)
    children = {e.value for e in by_processes.timeline.of("started")}
    assert {w["pid"] for w in threads} == {os.getpid()}
    assert len({w["pid"] for w in processes}) == 2 and {w["pid"] for w in processes} <= children
    # ... and each pair computed side by side.
    assert overlap_fraction(threads) > 0.6 and overlap_fraction(processes) > 0.6, runs
    # Threads: at most one CPU's worth of bytecode at a time, however many cores are idle.
    assert cores(threads) < 1.25 and cpus_while_all_ran(threads) < 1.25, threads
    # Processes: while both computed, they kept two CPUs busy (ideal 2.0).
    assert cpus_while_all_ran(processes) > 1.3, processes
    # The kernel finds both ready to run all the time, as it does any two busy processes.
    ready = observe(ready_together.main, method, kinds=("processes",), samples=150).result
    assert both_ready(ready, "processes") >= 0.9, ready


@free_threaded_only
@linux_only
@pytest.mark.claim("free-threaded-build-runs-threads-in-parallel")
def test_without_the_gil_bytecode_threads_are_ready_together():
    assert gil_status.free_threaded_build()
    ready = observe(ready_together.main, kinds=("python",), samples=150).result
    assert both_ready(ready, "python") >= 0.8, ready


def test_gil_status_agrees_with_the_build():
    # A standard build always has the GIL; only a free-threaded one may run without it.
    seen = observe(gil_status.main).result
    build = gil_status.free_threaded_build()
    assert seen == {"gil": gil_status.gil_enabled(), "free_threaded_build": build}
    if not seen["free_threaded_build"]:
        assert seen["gil"]
    if sys.version_info < (3, 13):
        assert not hasattr(sys, "_is_gil_enabled") and seen["gil"]
