"""§3.1–3.2 Processes and threads: the concepts, each shown by a small program.

Every function here runs real processes or threads and returns what happened;
``python -m chapter3.concepts`` prints the runs of the examples.
"""

from __future__ import annotations

import functools
import multiprocessing
import multiprocessing.connection
import os
import queue
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field

import psutil

from chapter3.runner import example, main
from chapter3.timeline import Recorder, Timeline, recording
from chapter3.waiting import TIMEOUT, context, join_all


def spin(n: int) -> int:
    """Pure-Python CPU work: add up ``range(n)`` one step at a time."""
    total = 0
    for i in range(n):
        total += i
    return total


def extent(spans) -> float:
    """Time from the first span's start to the last one's end."""
    return max(s.end for s in spans) - min(s.start for s in spans)


# --8<-- [start:same_program]
def _who_am_i(rec: Recorder) -> None:
    rec.say(
        f"进程 {os.getpid()} 运行同一个函数", en=f"process {os.getpid()} runs the same function"
    )


@dataclass(frozen=True)
class SameProgram:
    parent_pid: int
    child_pids: tuple[int, ...]
    timeline: Timeline


@example(n=2)
def same_program(ctx=None, n: int = 2) -> SameProgram:
    """Start ``n`` processes on one function: one program, ``n`` processes."""
    ctx = context(ctx)
    with recording() as rec:
        procs = [ctx.Process(target=_who_am_i, args=(rec,), name=f"child-{i}") for i in range(n)]
        for p in procs:
            p.start()
        rec.mark("子进程都已启动", en="children started")
        with rec.span("blocked", "join"):
            join_all(procs)
        return SameProgram(os.getpid(), tuple(p.pid for p in procs), rec.events())


# --8<-- [end:same_program]


# --8<-- [start:parallel_vs_pinned]
def _pin(cpu: int | None) -> None:
    if cpu is not None:
        os.sched_setaffinity(0, {cpu})


def _busy(rec: Recorder, work: int, cpu: int | None, ready, cpu_s, i: int) -> None:
    _pin(cpu)
    ready.wait(TIMEOUT)  # a Barrier: both workers are placed before either starts
    with rec.span("running", "spin"):
        before = time.process_time()
        spin(work)
        cpu_s[i] = time.process_time() - before  # CPU time this worker really got


@dataclass(frozen=True)
class Schedule:
    parallel_s: float  # wall time of two workers free to use every CPU
    one_core_s: float  # wall time of the same two workers pinned to CPU 0
    parallel_shares: tuple[float, ...]  # share of a CPU each free worker got while it ran
    one_core_shares: tuple[float, ...]  # the same for the pinned workers
    timeline: Timeline  # both runs: "free-*" lanes, then "cpu0-*" lanes

    @property
    def ratio(self) -> float:
        return self.one_core_s / self.parallel_s


def _timed_pair(ctx, work: int, cpu: int | None) -> tuple[float, tuple[float, ...], Timeline]:
    with recording() as rec:
        ready, cpu_s = ctx.Barrier(2), ctx.Array("d", 2)
        tag = "free" if cpu is None else f"cpu{cpu}"
        procs = [
            ctx.Process(target=_busy, args=(rec, work, cpu, ready, cpu_s, i), name=f"{tag}-{i}")
            for i in range(2)
        ]
        for p in procs:
            p.start()
        join_all(procs)
        timeline = rec.events()
    spans = [timeline.spans(f"{tag}-{i}")[0] for i in range(2)]
    return (
        extent(spans),
        tuple(c / (s.end - s.start) for c, s in zip(cpu_s[:], spans, strict=True)),
        timeline,
    )


@example(work=1_000_000)
def parallel_vs_pinned(ctx=None, work: int = 5_000_000, repeat: int = 1) -> Schedule:
    """Two CPU-bound processes, first free to run on every CPU, then both pinned to CPU 0.

    With ``repeat`` > 1 each case keeps its fastest run. The shares of a CPU do not
    depend on how fast the CPU happens to be, which on a shared machine changes
    from one second to the next.
    """
    ctx = context(ctx)
    # Alternate the two cases, so that whatever else the machine does weighs on both.
    runs = [(_timed_pair(ctx, work, None), _timed_pair(ctx, work, 0)) for _ in range(repeat)]
    free = min((r[0] for r in runs), key=lambda r: r[0])
    pinned = min((r[1] for r in runs), key=lambda r: r[0])
    with recording() as rec:
        for zh, en, (wall, shares, _) in (
            ("两个核心", "two cores", free),
            ("一个核心", "one core", pinned),
        ):
            pct = " / ".join(f"{s:.0%}" for s in shares)
            rec.say(
                f"{zh}: {wall:.3f} 秒，各得 CPU {pct}", en=f"{en}: {wall:.3f} s, CPU share {pct}"
            )
        said = rec.events()
    return Schedule(free[0], pinned[0], free[1], pinned[1], Timeline([*free[2], *pinned[2], *said]))


# --8<-- [end:parallel_vs_pinned]


# --8<-- [start:blocked_vs_running]
def _wait_for_item(rec: Recorder, q, ready) -> None:
    with rec.span("blocked", "queue.get"):
        ready.set()
        q.get(timeout=TIMEOUT)


def _keep_busy(rec: Recorder, stop, ready) -> None:
    with rec.span("running", "spin"):
        ready.set()
        while not stop.is_set():
            spin(10_000)


def _first_state(pid: int, wanted: str) -> str:
    """Poll a process until the OS reports ``wanted`` (or give up after TIMEOUT)."""
    deadline, state = time.monotonic() + TIMEOUT, ""
    while state != wanted and time.monotonic() < deadline:
        state = psutil.Process(pid).status()
    return state


@dataclass(frozen=True)
class States:
    waiting: list[str]  # states seen of the process blocked on an empty queue
    busy: list[str]  # states seen of the process computing
    timeline: Timeline


@example(samples=20)
def blocked_vs_running(ctx=None, samples: int = 50) -> States:
    """Ask the OS, again and again, what state a waiting and a computing process are in.

    Sampling starts once each process has reached its steady state: the waiter
    inside ``queue.get`` (it may run for a moment between announcing itself and
    blocking), the worker inside its loop.
    """
    ctx = context(ctx)
    with recording() as rec:
        q, stop = ctx.Queue(), ctx.Event()
        ready = [ctx.Event(), ctx.Event()]
        waiter = ctx.Process(target=_wait_for_item, args=(rec, q, ready[0]), name="waiter")
        worker = ctx.Process(target=_keep_busy, args=(rec, stop, ready[1]), name="worker")
        try:
            waiter.start()
            worker.start()
            for r in ready:
                r.wait(TIMEOUT)
            _first_state(waiter.pid, psutil.STATUS_SLEEPING)
            _first_state(worker.pid, psutil.STATUS_RUNNING)
            rec.mark("开始采样", en="sampling starts")
            waiting, busy = [], []
            for _ in range(samples):
                waiting.append(psutil.Process(waiter.pid).status())
                busy.append(psutil.Process(worker.pid).status())
                time.sleep(0.005)
            rec.mark("采样结束", en="sampling ends")
        finally:
            q.put("item")
            stop.set()
            join_all([waiter, worker])
            q.close()
            q.join_thread()
        return States(waiting, busy, rec.events())


# --8<-- [end:blocked_vs_running]


# --8<-- [start:preempted_not_blocked]
def _spin_until(stop, ready, cpu: int) -> None:
    _pin(cpu)
    ready.set()
    while not stop.is_set():
        spin(10_000)


@dataclass(frozen=True)
class Preemption:
    states: list[str]  # every state sampled of both processes
    involuntary_switches: list[int]  # per process: times the OS took the CPU away


def preempted_not_blocked(ctx=None, samples: int = 50) -> Preemption:
    """Two CPU-bound processes share one CPU: both get preempted, neither ever blocks."""
    ctx = context(ctx)
    stop = ctx.Event()
    ready = [ctx.Event(), ctx.Event()]
    procs = [
        ctx.Process(target=_spin_until, args=(stop, r, 0), name=f"spinner-{i}")
        for i, r in enumerate(ready)
    ]
    try:
        for p in procs:
            p.start()
        for r in ready:
            r.wait(TIMEOUT)
        for p in procs:
            _first_state(p.pid, psutil.STATUS_RUNNING)  # past ready.set(), into the loop
        states = []
        for _ in range(samples):
            states += [psutil.Process(p.pid).status() for p in procs]
            time.sleep(0.005)
        switches = [psutil.Process(p.pid).num_ctx_switches().involuntary for p in procs]
    finally:
        stop.set()
        join_all(procs)
    return Preemption(states, switches)


# --8<-- [end:preempted_not_blocked]


# --8<-- [start:zombie]
def _exit_now() -> None:
    pass


@dataclass(frozen=True)
class AfterExit:
    before_join: str  # the child's state once it has exited, before the parent joins it
    exists_after_join: bool


def zombie_until_joined(ctx=None) -> AfterExit:
    """A child that has exited stays in the process table until its parent joins it."""
    ctx = context(ctx)
    child = ctx.Process(target=_exit_now, name="short-lived")
    child.start()
    multiprocessing.connection.wait([child.sentinel], TIMEOUT)  # it is exiting, not reaped
    state, deadline = "running", time.monotonic() + TIMEOUT
    while state not in ("zombie", "gone") and time.monotonic() < deadline:
        try:  # the kernel closes the child's files a moment before it becomes a zombie
            state = psutil.Process(child.pid).status()
        except psutil.NoSuchProcess:
            state = "gone"
    join_all([child])
    return AfterExit(state, psutil.pid_exists(child.pid) and _is_ours(child.pid))


def _is_ours(pid: int) -> bool:
    try:
        return psutil.Process(pid).ppid() == os.getpid()
    except psutil.NoSuchProcess:
        return False


# --8<-- [end:zombie]


# --8<-- [start:threads]
SEEN_BY_ALL: list[str] = []  # a module global: one list for every thread of the process


def _thread_body(rec: Recorder, barrier: threading.Barrier, report: dict) -> None:
    mine = []  # a local: each call of the function has its own
    name = threading.current_thread().name
    mine.append(name)
    SEEN_BY_ALL.append(name)
    rec.say(f"{name}: pid={os.getpid()}", en=f"{name}: pid={os.getpid()}")
    with rec.span("blocked", "barrier"):
        barrier.wait(TIMEOUT)  # now every thread has appended to both lists
    report[name] = {
        "pid": os.getpid(),
        "native_id": threading.get_native_id(),
        "globals_seen": len(SEEN_BY_ALL),
        "locals_seen": len(mine),
        "others_visible": sorted(t.name for t in threading.enumerate()),
    }
    barrier.wait(TIMEOUT)  # nobody leaves before everyone has looked around


def _kernel_tasks() -> list[int]:
    """The kernel's ids of this process's threads (Linux: /proc/self/task)."""
    return sorted(int(x) for x in os.listdir("/proc/self/task")) if sys.platform == "linux" else []


@dataclass(frozen=True)
class ThreadsInOneProcess:
    pid: int
    threads: dict[str, dict]
    tasks: list[int]  # kernel task ids listed in /proc/<pid>/task while they ran (Linux)
    timeline: Timeline


@example(n=3)
def threads_in_a_process(n: int = 3) -> ThreadsInOneProcess:
    """Start ``n`` threads: what they share (PID, globals) and what they don't (locals)."""
    SEEN_BY_ALL.clear()
    report: dict[str, dict] = {}
    barrier = threading.Barrier(n + 1)
    with recording() as rec:
        threads = [
            threading.Thread(target=_thread_body, args=(rec, barrier, report), name=f"thread-{i}")
            for i in range(n)
        ]
        for t in threads:
            t.start()
        barrier.wait(TIMEOUT)  # every thread stays alive until the second wait
        tasks = _kernel_tasks()
        barrier.wait(TIMEOUT)
        for t in threads:
            t.join(TIMEOUT)
        return ThreadsInOneProcess(os.getpid(), report, tasks, rec.events())


# --8<-- [end:threads]


# --8<-- [start:preemptive_threads]
@dataclass(frozen=True)
class Preempted:
    spins_before_stop: int
    stopped_by_main: bool  # False: the spinner hit its own deadline, main never ran


def threads_are_preempted(deadline: float = 10.0) -> Preempted:
    """A thread that never blocks or yields still lets another thread run."""
    started, stop = threading.Event(), threading.Event()
    result = {}

    def spinner() -> None:
        started.set()
        spins, end = 0, time.monotonic() + deadline
        while not stop.is_set() and time.monotonic() < end:
            spins += 1  # pure Python: no I/O, no sleep, no lock
        result.update(spins=spins, stopped=stop.is_set())

    t = threading.Thread(target=spinner, name="spinner")
    t.start()
    started.wait(TIMEOUT)
    stop.set()  # main can only get here if the interpreter takes the CPU from the spinner
    t.join(TIMEOUT)
    return Preempted(result["spins"], result["stopped"])


# --8<-- [end:preemptive_threads]


# --8<-- [start:no_kill]
def stop_a_thread_politely() -> bool:
    """The only way to end a thread: ask it, and let it return. True if it did."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(0.01):
            pass

    t = threading.Thread(target=loop, name="polite")
    t.start()
    stop.set()
    t.join(TIMEOUT)
    return not t.is_alive()


# --8<-- [end:no_kill]


# --8<-- [start:gil]
@dataclass(frozen=True)
class TwoWays:
    """Two runs of one task, one after the other in the main thread, then in two threads."""

    kind: str
    sequential_s: float
    threaded_s: float
    thread_cpu_s: float  # CPU time the two threads used together (time.thread_time)
    sequential_cpu_s: float  # CPU time of the two runs in the main thread

    @property
    def ratio(self) -> float:
        """Threaded time over sequential: ~1.0 when serialised, ~0.5 in parallel on 2 cores."""
        return self.threaded_s / self.sequential_s

    @property
    def cores(self) -> float:
        """How many CPUs the threads kept busy on average."""
        return self.thread_cpu_s / self.threaded_s

    @property
    def sequential_cores(self) -> float:
        """The share of a CPU the main thread got while running the task in turn."""
        return self.sequential_cpu_s / self.sequential_s


def _timed(rec: Recorder, kind: str, task, barrier, cpu: queue.SimpleQueue) -> None:
    if barrier is not None:
        barrier.wait(TIMEOUT)  # both threads start computing together
    before = time.thread_time()
    with rec.span("running", kind):
        task()
    cpu.put(time.thread_time() - before)


def two_ways(rec: Recorder, kind: str, task) -> TwoWays:
    """Time ``task`` twice in a row in this thread, then twice at once in two threads."""
    cpu: queue.SimpleQueue = queue.SimpleQueue()
    _timed(rec, kind, task, None, cpu)
    _timed(rec, kind, task, None, cpu)
    barrier = threading.Barrier(2)
    threads = [
        threading.Thread(target=_timed, args=(rec, kind, task, barrier, cpu), name=f"{kind}-{i}")
        for i in range(2)
    ]
    for t in threads:
        t.start()
    join_all(threads)
    spans = [s for s in rec.events().spans() if s.text == kind]
    main_lane = [s for s in spans if "/" not in s.lane]
    in_threads = [s for s in spans if "/" in s.lane]
    cpu_s = [cpu.get_nowait() for _ in range(4)]
    return TwoWays(
        kind, extent(main_lane), extent(in_threads), cpu_s[2] + cpu_s[3], cpu_s[0] + cpu_s[1]
    )


def faster(a: TwoWays, b: TwoWays) -> TwoWays:
    """The faster sequential and the faster threaded run of two, each with its CPU time."""
    seq = min(a, b, key=lambda r: r.sequential_s)
    fast = min(a, b, key=lambda r: r.threaded_s)
    return TwoWays(
        a.kind, seq.sequential_s, fast.threaded_s, fast.thread_cpu_s, seq.sequential_cpu_s
    )


def two_tasks_in_threads(task, repeat: int = 3) -> TwoWays:
    """Fastest of ``repeat`` timings of two runs of ``task``, in turn and in two threads.

    The seconds depend on how fast the CPU is at the moment; the CPUs kept busy
    do not: at most 1 when the threads take turns, up to 2 in parallel.
    """
    runs = []
    for _ in range(repeat):
        with recording() as rec:
            runs.append(two_ways(rec, "task", task))
    return functools.reduce(faster, runs)


def python_work(n: int = 2_000_000):
    """A task that runs Python bytecode all the time: it holds the GIL."""
    return lambda: spin(n)


def hashing_work(megabytes: int = 64):
    """A task that spends its time in C code that releases the GIL (SHA-256)."""
    import hashlib

    data = os.urandom(1 << 20) * megabytes
    return lambda: hashlib.sha256(data).digest()


# --8<-- [end:gil]


# --8<-- [start:start_cost]
def _nothing() -> None:
    pass


@dataclass(frozen=True)
class StartCost:
    method: str
    thread_s: float  # median time to start and join a thread that does nothing
    process_s: float  # the same for a process
    samples: list[float] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return self.process_s / self.thread_s


def start_cost(ctx=None, n: int = 20) -> StartCost:
    """Median time to start and join a do-nothing thread, and a do-nothing process."""
    ctx = context(ctx)

    def once(make) -> float:
        start = time.perf_counter()
        worker = make()
        worker.start()
        worker.join(TIMEOUT)
        return time.perf_counter() - start

    once(lambda: ctx.Process(target=_nothing))  # warm-up: the fork server starts here
    threads = [once(lambda: threading.Thread(target=_nothing)) for _ in range(n)]
    procs = [once(lambda: ctx.Process(target=_nothing)) for _ in range(n)]
    return StartCost(
        ctx.get_start_method(), statistics.median(threads), statistics.median(procs), procs
    )


# --8<-- [end:start_cost]


# --8<-- [start:numpy]
@dataclass(frozen=True)
class NumpyThreads:
    blas_threads: int  # the size of the BLAS thread pool numpy loaded
    busy_in_matmul: int  # OS threads that used the CPU during a matrix product
    busy_in_elementwise: int  # OS threads that used the CPU during an element-wise sqrt


def _cpu_per_thread() -> dict[int, float]:
    return {t.id: t.user_time + t.system_time for t in psutil.Process().threads()}


def _busy_threads(work, min_cpu: float = 0.02) -> int:
    before = _cpu_per_thread()
    work()
    after = _cpu_per_thread()
    return sum(after[t] - before.get(t, 0.0) >= min_cpu for t in after)


def numpy_threads(n: int = 1500) -> NumpyThreads:
    """Which numpy operations use more than one thread: matrix product or element-wise?"""
    import numpy as np
    from threadpoolctl import threadpool_info

    rng = np.random.default_rng(0)
    a = rng.random((n, n))
    big = rng.random(60_000_000)
    blas = max((p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"), default=0)
    # element-wise first: after a product, BLAS threads keep spinning for a while
    elementwise = _busy_threads(lambda: np.sqrt(big))
    a @ a  # warm-up: the BLAS pool starts its threads
    return NumpyThreads(blas, _busy_threads(lambda: a @ a @ a @ a), elementwise)


# --8<-- [end:numpy]


if __name__ == "__main__":
    main("concepts")
