"""§3.1–3.2 Processes and threads: the concepts, each shown by a small program.

Every function here runs real processes or threads and returns what happened;
``python -m chapter3.concepts`` prints the runs of the examples.
"""

from __future__ import annotations

import ctypes
import dataclasses
import faulthandler
import functools
import multiprocessing
import multiprocessing.connection
import os
import queue
import re
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field

import psutil

from chapter3.runner import example, main
from chapter3.timeline import Recorder, Timeline, lane_name, recording
from chapter3.waiting import TIMEOUT, context, join_all


def spin(n: int) -> int:
    """Pure-Python CPU work: add up ``range(n)`` one step at a time."""
    total = 0
    for i in range(n):
        total += i
    return total


def extent(spans) -> float:
    """Time from the first span's (or worker's) start to the last one's end."""
    return max(s.end for s in spans) - min(s.start for s in spans)


# --8<-- [start:measure]
def affinity() -> tuple[int, ...]:
    """The CPUs the calling thread may run on (empty where the OS cannot tell)."""
    return tuple(sorted(os.sched_getaffinity(0))) if hasattr(os, "sched_getaffinity") else ()


@dataclass(frozen=True)
class Worker:
    """What a timed worker reports about itself: who it was, where it could run, what it got."""

    name: str  # its lane: process name, plus thread name off the main thread
    pid: int  # os.getpid() inside it
    native_id: int  # the kernel's id of the thread that did the work
    affinity: tuple[int, ...]  # os.sched_getaffinity(0) inside it: the CPUs it may use
    start: float  # time.monotonic() when its work began ...
    end: float  # ... and when it ended
    cpu_s: float  # the CPU time its thread really got meanwhile (time.thread_time)

    @property
    def wall_s(self) -> float:
        return self.end - self.start

    @property
    def share(self) -> float:
        """The share of one CPU it got while it worked: 1.0 is a CPU to itself all along."""
        return self.cpu_s / self.wall_s


def timed(rec: Recorder, text: str, task) -> Worker:
    """Run ``task`` in the calling thread, as a span of the timeline, and report on it."""
    with rec.span("running", text):
        start, cpu = time.monotonic(), time.thread_time()
        task()
        cpu, end = time.thread_time() - cpu, time.monotonic()
    return Worker(lane_name(), os.getpid(), threading.get_native_id(), affinity(), start, end, cpu)


def kind_of(workers) -> str:
    """What the workers really were, judged by the ids each one reported from inside.

    ``threads``: distinct threads of this process, none of them the caller;
    ``processes``: each a process of its own, none of them this one; else ``neither``.
    """
    pids, natives = {w.pid for w in workers}, {w.native_id for w in workers}
    if pids == {os.getpid()} and len(natives) == len(workers):
        return "threads" if threading.get_native_id() not in natives else "neither"
    if len(pids) == len(workers) and os.getpid() not in pids:
        return "processes"
    return "neither"


def overlap(workers) -> float:
    """How long all the workers were working at the same time (0.0 if never)."""
    return max(0.0, min(w.end for w in workers) - max(w.start for w in workers))


def overlap_fraction(workers) -> float:
    """That overlap over the shortest worker's time: near 1.0 when they worked side by side,
    near 0.0 when one ran after the other."""
    return overlap(workers) / min(w.wall_s for w in workers)


def cpu_in_overlap(worker: Worker, workers) -> float:
    """At least what share of a CPU ``worker`` got while all ``workers`` were working.

    Outside the overlap a thread gets at most one CPU second per second, so the
    CPU time it got beyond its time outside the overlap was got inside it.
    """
    both = overlap(workers)
    return max(0.0, worker.cpu_s - (worker.wall_s - both)) / both if both > 0 else 0.0


def cpus_while_all_ran(workers) -> float:
    """At least how many CPUs the workers kept busy together while all of them worked."""
    return sum(cpu_in_overlap(w, workers) for w in workers)


# --8<-- [end:measure]


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


def _busy(rec: Recorder, work: int, cpu: int | None, ready, out) -> None:
    _pin(cpu)
    ready.wait(TIMEOUT)  # a Barrier: both workers are placed before either starts
    out.put(timed(rec, "spin", lambda: spin(work)))  # what it got, read inside it


@dataclass(frozen=True)
class Pair:
    """Two CPU-bound worker processes that ran at the same time, as each reported itself."""

    cpu: int | None  # the CPU both were pinned to, or None: free to use every CPU
    workers: tuple[Worker, ...]
    timeline: Timeline

    @property
    def wall_s(self) -> float:
        """From the first one's start to the last one's end."""
        return extent(self.workers)

    @property
    def shares(self) -> tuple[float, ...]:
        """The share of a CPU each one got while it worked."""
        return tuple(w.share for w in self.workers)


@dataclass(frozen=True)
class Schedule:
    parallel: Pair  # two workers free to use every CPU
    one_core: Pair  # the same two workers pinned to CPU 0
    timeline: Timeline  # both runs: "free-*" lanes, then "cpu0-*" lanes

    @property
    def parallel_s(self) -> float:
        return self.parallel.wall_s

    @property
    def one_core_s(self) -> float:
        return self.one_core.wall_s

    @property
    def parallel_shares(self) -> tuple[float, ...]:
        return self.parallel.shares

    @property
    def one_core_shares(self) -> tuple[float, ...]:
        return self.one_core.shares

    @property
    def ratio(self) -> float:
        return self.one_core_s / self.parallel_s


def timed_pair(ctx, work: int, cpu: int | None) -> Pair:
    """Two processes compute ``spin(work)`` at once, free (``cpu`` None) or both on ``cpu``."""
    with recording() as rec:
        ready, out = ctx.Barrier(2), ctx.Queue()
        tag = "free" if cpu is None else f"cpu{cpu}"
        procs = [
            ctx.Process(target=_busy, args=(rec, work, cpu, ready, out), name=f"{tag}-{i}")
            for i in range(2)
        ]
        try:
            for p in procs:
                p.start()
            workers = sorted((out.get(timeout=TIMEOUT) for _ in procs), key=lambda w: w.name)
        finally:
            join_all(procs)
            out.close()
            out.join_thread()
        return Pair(cpu, tuple(workers), rec.events())


@example(work=1_000_000)
def parallel_vs_pinned(ctx=None, work: int = 5_000_000, repeat: int = 1) -> Schedule:
    """Two CPU-bound processes, first free to run on every CPU, then both pinned to CPU 0.

    With ``repeat`` > 1 each case keeps its fastest run. The shares of a CPU do not
    depend on how fast the CPU happens to be, which on a shared machine changes
    from one second to the next.
    """
    ctx = context(ctx)
    # Alternate the two cases, so that whatever else the machine does weighs on both.
    runs = [(timed_pair(ctx, work, None), timed_pair(ctx, work, 0)) for _ in range(repeat)]
    free = min((r[0] for r in runs), key=lambda r: r.wall_s)
    pinned = min((r[1] for r in runs), key=lambda r: r.wall_s)
    with recording() as rec:
        for zh, en, pair in (("两个核心", "two cores", free), ("一个核心", "one core", pinned)):
            pct = " / ".join(f"{s:.0%}" for s in pair.shares)
            rec.say(
                f"{zh}: {pair.wall_s:.3f} 秒，各得 CPU {pct}",
                en=f"{en}: {pair.wall_s:.3f} s, CPU share {pct}",
            )
        said = rec.events()
    return Schedule(free, pinned, Timeline([*free.timeline, *pinned.timeline, *said]))


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
def _spin_until(stop, ready, cpu: int, placed) -> None:
    _pin(cpu)
    placed.put((os.getpid(), affinity()))  # where it may run, read inside it
    ready.set()
    while not stop.is_set():
        spin(10_000)


@dataclass(frozen=True)
class Preemption:
    states: list[str]  # every state sampled of both processes
    involuntary_switches: list[int]  # per process: times the OS took the CPU away
    placed: list[tuple[int, tuple[int, ...]]]  # per process: its PID and CPUs, seen inside it


def preempted_not_blocked(ctx=None, samples: int = 50) -> Preemption:
    """Two CPU-bound processes share one CPU: both get preempted, neither ever blocks."""
    ctx = context(ctx)
    stop, placed = ctx.Event(), ctx.Queue()
    ready = [ctx.Event(), ctx.Event()]
    procs = [
        ctx.Process(target=_spin_until, args=(stop, r, 0, placed), name=f"spinner-{i}")
        for i, r in enumerate(ready)
    ]
    try:
        for p in procs:
            p.start()
        for r in ready:
            r.wait(TIMEOUT)
        where = sorted(placed.get(timeout=TIMEOUT) for _ in procs)
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
        placed.close()
        placed.join_thread()
    return Preemption(states, switches, where)


# --8<-- [end:preempted_not_blocked]


# --8<-- [start:zombie]
def _exit_now() -> None:
    pass


#: The parent's calls that collect an exited child; "nothing" is the control.
WAITS = (
    "join()",
    "is_alive()",
    "exitcode",
    "active_children()",
    "start()",
    "close()",
    "repr()",
    "nothing",
)


def _state(pid: int) -> str:
    """The OS's state of our child ``pid``, or "gone" once it has left the process table."""
    try:
        p = psutil.Process(pid)
        return p.status() if p.ppid() == os.getpid() else "gone"
    except psutil.NoSuchProcess:
        return "gone"


@dataclass(frozen=True)
class AfterExit:
    call: str  # what the parent did once the child had exited
    before: str  # the child's state after it exited, before that call
    after: str  # its state right after the call: "gone" once it has been collected


def zombie_until_waited_for(ctx=None, call: str = "join()") -> AfterExit:
    """A child that has exited stays in the process table until its parent waits for it."""
    if call not in WAITS:
        raise ValueError(f"call must be one of {WAITS}, not {call!r}")
    ctx = context(ctx)
    child, later = ctx.Process(target=_exit_now, name="short-lived"), []
    child.start()
    pid = child.pid
    multiprocessing.connection.wait([child.sentinel], TIMEOUT)  # exited: this wait collects nothing
    before, deadline = "running", time.monotonic() + TIMEOUT
    while before not in ("zombie", "gone") and time.monotonic() < deadline:
        before = _state(pid)  # the kernel closes a child's files just before it is a zombie
    match call:  # os.waitpid(pid, 0) in join(), os.waitpid(pid, os.WNOHANG) in the others
        case "join()":
            child.join(TIMEOUT)
        case "is_alive()":
            child.is_alive()
        case "exitcode":
            _ = child.exitcode  # reading the property is enough
        case "active_children()":
            multiprocessing.active_children()
        case "start()":  # of another process: start() first collects the children that exited
            later.append(ctx.Process(target=_exit_now, name="next"))
            later[0].start()
        case "close()":
            child.close()
        case "repr()":
            repr(child)  # even this: it shows the exit code, so it asks for it
        case "nothing":
            pass
    after = _state(pid)
    join_all([*later] if call == "close()" else [child, *later])  # a closed one cannot be joined
    return AfterExit(call, before, after)


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


# --8<-- [start:async_exc]
class Stop(Exception):
    """The exception one thread throws into another."""


def throw_into(thread: threading.Thread, exc: type[BaseException]) -> int:
    """Ask CPython to raise ``exc`` in ``thread``: a C function, no Python API does this.

    It only sets a flag: the thread raises ``exc`` the next time it runs bytecode.
    Returns how many threads were marked (1, or 0 for an unknown thread).
    """
    return ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread.ident), ctypes.py_object(exc)
    )


def _compute(rec: Recorder, started, out: dict, deadline: float) -> None:
    try:
        with rec.span("running", "spin"):
            started.set()
            end = time.monotonic() + deadline
            while time.monotonic() < end:  # Python bytecode all along
                spin(1_000)
        out["computing"] = "ran to its own deadline"
    except Stop:
        out["computing"], out["computing_at"] = "Stop", time.monotonic()


def _acquire(lock, patience: float) -> bool:
    # Inside this call the thread runs C code, with the GIL released: no bytecode
    return lock.acquire(True, patience)


def _wait_on(rec: Recorder, lock, patience: float, out: dict) -> None:
    try:
        out["call_began"] = time.monotonic()
        with rec.span("blocked", "lock.acquire"):
            _acquire(lock, patience)
        out["waiting"] = "acquire returned, no Stop"
    except Stop:
        out["waiting"], out["waiting_at"] = "Stop", time.monotonic()


def _in_c_call(thread: threading.Thread, func) -> bool:
    """Is ``thread`` inside the C call on the one line of ``func``'s body?

    Asked while this thread holds the GIL, so ``thread`` runs no bytecode now; and
    between that line's first instruction and its call, no bytecode can stop.
    """
    frame = sys._current_frames().get(thread.ident)
    code = func.__code__
    return frame is not None and frame.f_code is code and frame.f_lineno > code.co_firstlineno


@dataclass(frozen=True)
class Thrown:
    patience: float  # how long the blocked thread's acquire waited for the lock
    computing: str  # what the thread running bytecode did: "Stop" if it was raised there
    computing_delay: float  # seconds from throwing to the Stop raised in it
    waiting: str  # the same for the thread blocked in lock.acquire
    waiting_delay: float
    thrown_after: float  # seconds into the blocked thread's acquire when Stop was thrown
    raised_after: float  # seconds into it when Stop was finally raised
    timeline: Timeline


@example(patience=0.5)
def throw_stop(patience: float = 2.0, deadline: float = TIMEOUT) -> Thrown:
    """Throw ``Stop`` into a thread computing in Python, then into one blocked in C."""
    out: dict = {}
    with recording() as rec:
        started = threading.Event()
        busy = threading.Thread(target=_compute, args=(rec, started, out, deadline), name="busy")
        busy.start()
        started.wait(TIMEOUT)
        thrown = time.monotonic()
        rec.mark("向 busy 抛出 Stop", en="Stop thrown into busy")
        throw_into(busy, Stop)
        join_all([busy])

        lock = threading.Lock()
        lock.acquire()  # held by the main thread: the other thread's acquire must wait
        try:
            blocked = threading.Thread(
                target=_wait_on, args=(rec, lock, patience, out), name="blocked"
            )
            blocked.start()
            end = time.monotonic() + TIMEOUT
            while blocked.is_alive() and not _in_c_call(blocked, _acquire):
                if time.monotonic() > end:
                    raise TimeoutError("the blocked thread never reached its acquire")
                time.sleep(0.001)
            thrown_blocked = time.monotonic()
            rec.mark("向 blocked 抛出 Stop", en="Stop thrown into blocked")
            throw_into(blocked, Stop)
            join_all([blocked])
        finally:
            lock.release()
        run = Thrown(
            patience,
            out["computing"],
            out.get("computing_at", float("nan")) - thrown,
            out["waiting"],
            out.get("waiting_at", float("nan")) - thrown_blocked,
            thrown_blocked - out["call_began"],
            out.get("waiting_at", float("nan")) - out["call_began"],
            Timeline(),
        )
        rec.say(
            f"busy（执行字节码）：{run.computing}，抛出后 {run.computing_delay * 1e3:.1f} 毫秒",
            en=f"busy (running bytecode): {run.computing}, {run.computing_delay * 1e3:.1f} ms "
            "after the throw",
        )
        rec.say(
            f"blocked（在 acquire 里等了 {patience} 秒）：{run.waiting}，acquire 开始后第 "
            f"{run.thrown_after:.2f} 秒抛出，第 {run.raised_after:.2f} 秒才引发",
            en=f"blocked (waiting {patience} s in acquire): {run.waiting}, thrown "
            f"{run.thrown_after:.2f} s into acquire, raised only at {run.raised_after:.2f} s",
        )
        return dataclasses.replace(run, timeline=rec.events())


# --8<-- [end:async_exc]
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
    threads: tuple[Worker, ...] = ()  # the two threads, as each reported itself

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


def _timed(rec: Recorder, kind: str, task, barrier, out: queue.SimpleQueue) -> None:
    if barrier is not None:
        barrier.wait(TIMEOUT)  # both threads start computing together
    out.put(timed(rec, kind, task))


def two_ways(rec: Recorder, kind: str, task) -> TwoWays:
    """Time ``task`` twice in a row in this thread, then twice at once in two threads."""
    out: queue.SimpleQueue = queue.SimpleQueue()
    _timed(rec, kind, task, None, out)
    _timed(rec, kind, task, None, out)
    barrier = threading.Barrier(2)
    threads = [
        threading.Thread(target=_timed, args=(rec, kind, task, barrier, out), name=f"{kind}-{i}")
        for i in range(2)
    ]
    for t in threads:
        t.start()
    join_all(threads)
    main_thread, in_threads = (
        [out.get_nowait() for _ in range(2)],
        [out.get_nowait() for _ in range(2)],
    )
    return TwoWays(
        kind,
        extent(main_thread),
        extent(in_threads),
        sum(w.cpu_s for w in in_threads),
        sum(w.cpu_s for w in main_thread),
        tuple(sorted(in_threads, key=lambda w: w.name)),
    )


def faster(a: TwoWays, b: TwoWays) -> TwoWays:
    """The faster sequential and the faster threaded run of two, each with its CPU time."""
    seq = min(a, b, key=lambda r: r.sequential_s)
    fast = min(a, b, key=lambda r: r.threaded_s)
    return TwoWays(
        a.kind,
        seq.sequential_s,
        fast.threaded_s,
        fast.thread_cpu_s,
        seq.sequential_cpu_s,
        fast.threads,
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


# --8<-- [start:deadlock]
def _take_two(rec: Recorder, first, second, gates, patience: float, took: dict) -> None:
    me, (both_hold_one, both_tried) = threading.current_thread().name, gates
    with first:
        both_hold_one.wait(TIMEOUT)  # from here on each thread holds its first lock
        with rec.span("blocked", "acquire"):
            took[me] = second.acquire(timeout=patience)  # the other thread holds this one
        if took[me]:
            second.release()
        both_tried.wait(TIMEOUT)  # keep the first lock until the other one has given up too


_THREAD = re.compile(
    r"^(?:Current thread|Thread) (0x[0-9a-f]+) \(most recent call first\):\n"
    r'  File "(.+)", line (\d+) in (\S+)$',
    re.MULTILINE,
)


def innermost_frames(dump: str) -> dict[int, tuple[str, int, str]]:
    """Each thread of a faulthandler dump: ident -> (file, line, function) where it was."""
    return {int(m[1], 16): (m[2], int(m[3]), m[4]) for m in _THREAD.finditer(dump)}


@dataclass(frozen=True)
class Deadlock:
    dump: str  # what faulthandler wrote: the stack of every thread, taken while they waited
    idents: dict[str, int]  # thread name -> threading ident, the "Thread 0x..." of the dump
    took_second: dict[str, bool]  # False: the thread gave up waiting for its second lock
    timeline: Timeline


@example(patience=1.0, dump_after=0.2)
def deadlock(patience: float = 5.0, dump_after: float = 1.0) -> Deadlock:
    """Two threads take two locks in opposite orders; faulthandler shows where they hang.

    Each thread waits ``patience`` seconds for its second lock, then gives up.
    ``dump_after`` seconds into that wait, faulthandler writes every thread's stack.
    """
    a, b = threading.Lock(), threading.Lock()
    both_hold_one = threading.Barrier(3)  # the two threads, and the main thread
    gates = (both_hold_one, threading.Barrier(2))
    took: dict[str, bool] = {}
    with recording() as rec, tempfile.TemporaryFile("w+") as dump:
        threads = [
            threading.Thread(
                target=_take_two,
                args=(rec, first, second, gates, patience, took),
                name=name,
            )
            for name, first, second in (("left", a, b), ("right", b, a))
        ]
        for t in threads:
            t.start()
        both_hold_one.wait(TIMEOUT)
        faulthandler.dump_traceback_later(dump_after, file=dump)  # a watchdog thread, in C
        try:
            join_all(threads)
        finally:
            faulthandler.cancel_dump_traceback_later()
        dump.seek(0)
        run = Deadlock(dump.read(), {t.name: t.ident for t in threads}, took, Timeline())
        for line in run.dump.splitlines():  # what faulthandler wrote, folders left out
            rec.say(re.sub(r'File ".*[/\\]', 'File "', line))
        frames = innermost_frames(run.dump)
        for name, ident in run.idents.items():
            file, line, func = frames.get(ident, ("?", 0, "?"))
            where, thread = f"{os.path.basename(file)}", f"Thread 0x{ident:016x}"
            rec.say(
                f"{name}（{thread}）停在 {where} 第 {line} 行的 {func}() 里",
                en=f"{name} ({thread}) waits in {func}(), {where} line {line}",
            )
        return dataclasses.replace(run, timeline=rec.events())


# --8<-- [end:deadlock]


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
