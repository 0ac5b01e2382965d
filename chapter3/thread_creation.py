"""§3.4 Threads in Python, and §3.4.1 creating a thread (例 3-11).

The chapter opens §3.4 with four statements: Linux's kernel does not support
threads (they are *user-level* threads there), the GIL makes Python's threads
essentially serial, threads therefore cannot fill every core while processes
can, and threads are still worth having for I/O because they cost far less to
create than processes. Each function here runs real threads (and, for the
comparisons, real processes) and returns what happened, so that the tests can
check each statement on the machine at hand:

* :func:`kernel_threads` shows what the Linux kernel knows of each thread;
* :func:`gil_and_c_code` and :func:`cpu_bound` measure the GIL, and
  :func:`gil_enabled` says whether this interpreter has one;
* :func:`fetch_pages` fetches pages from a real HTTP server with a set latency,
  one after another and in threads;
* :func:`creation_cost` starts a batch of threads and a batch of processes;
* :func:`one_thread` is 例 3-11, and the rest put :class:`threading.Thread`
  beside :class:`multiprocessing.Process`: ids, misuse, argument errors and
  daemon threads at interpreter exit.

``python -m chapter3.thread_creation`` prints a run of every example.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import queue
import subprocess
import sys
import sysconfig
import threading
import time
import urllib.request
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from chapter3.concepts import TwoWays, Worker, extent, faster, spin, timed, two_ways
from chapter3.runner import example, main
from chapter3.timeline import Recorder, Timeline, recording
from chapter3.waiting import context, join_all

TIMEOUT = 30.0  # seconds any blocking call may wait before the example gives up
ROOT = Path(__file__).resolve().parent.parent  # the directory that holds the package


def _positive(name: str, value, kind: type | tuple = int) -> None:
    """Raise ValueError unless ``value`` is a number of ``kind`` above zero."""
    if isinstance(value, bool) or not isinstance(value, kind) or value <= 0:
        raise ValueError(f"{name} must be a positive number, not {value!r}")


SECONDS = (int, float)


# --8<-- [start:gil_status]
def gil_enabled() -> bool:
    """Whether this interpreter runs with the GIL right now.

    ``sys._is_gil_enabled()`` exists from Python 3.13 on. Before that every
    CPython had the GIL. A free-threaded build (``python3.13t``, ``python3.14t``)
    runs without it unless ``PYTHON_GIL=1`` or an extension module that is not
    marked free-thread-safe turns it back on.
    """
    is_enabled = getattr(sys, "_is_gil_enabled", None)
    return True if is_enabled is None else is_enabled()


def free_threaded_build() -> bool:
    """Whether this CPython was built free-threaded (``Py_GIL_DISABLED``)."""
    return bool(sysconfig.get_config_var("Py_GIL_DISABLED"))


# --8<-- [end:gil_status]


# --8<-- [start:kernel_threads]
def _task_stat(tid: int) -> tuple[str, int, int]:
    """State, CPU ticks (user + system) and last CPU of one kernel task of this process."""
    with open(f"/proc/self/task/{tid}/stat", encoding="ascii") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # fields[0] is field 3 of proc_pid_stat(5): state; utime, stime are 14, 15; processor is 39
    return fields[0], int(fields[11]) + int(fields[12]), int(fields[36])


@dataclass(frozen=True)
class KernelView:
    """What the kernel reports about the threads of :func:`kernel_threads`."""

    pid: int
    pthread: str  # the C library's thread implementation, e.g. "NPTL 2.36"
    tasks: list[int]  # /proc/<pid>/task while both threads were alive
    threads: dict[str, dict]  # per thread: native_id, state, cpu_ticks, cpu, affinity
    timeline: Timeline


def _spinner(rec: Recorder, cpu: int, warm_s: float, warmed, stop) -> None:
    os.sched_setaffinity(0, {cpu})  # 0 = the calling thread, not the whole process
    start = time.thread_time()
    with rec.span("running", "spin"):
        while not stop.is_set():
            spin(10_000)
            if not warmed.is_set() and time.thread_time() - start >= warm_s:
                warmed.set()


def _sleeper(rec: Recorder, ready, stop) -> None:
    ready.set()
    with rec.span("blocked", "Event.wait"):
        stop.wait(TIMEOUT)


@example(warm_s=0.05)
def kernel_threads(warm_s: float = 0.2) -> KernelView:
    """Ask the Linux kernel about two threads: one computing, pinned to a CPU; one asleep.

    The computing thread pins *itself* to the last CPU this process may use and
    runs until it has used ``warm_s`` seconds of CPU; the other waits on an
    Event. The kernel then reports, per thread, a task id, a scheduler state, a
    CPU time and a CPU affinity: it schedules each thread on its own.
    """
    if sys.platform != "linux":
        raise OSError("kernel_threads reads /proc: it needs Linux")
    _positive("warm_s", warm_s, SECONDS)
    cpu = max(os.sched_getaffinity(0))
    warmed, ready, stop = threading.Event(), threading.Event(), threading.Event()
    with recording() as rec:
        workers = [
            threading.Thread(
                target=_spinner, args=(rec, cpu, warm_s, warmed, stop), name="spinner"
            ),
            threading.Thread(target=_sleeper, args=(rec, ready, stop), name="sleeper"),
        ]
        try:
            for t in workers:
                t.start()
            if not (warmed.wait(TIMEOUT) and ready.wait(TIMEOUT)):
                raise TimeoutError("the threads did not get going")
            sleeper_tid = workers[1].native_id
            deadline = time.monotonic() + TIMEOUT
            while _task_stat(sleeper_tid)[0] != "S" and time.monotonic() < deadline:
                time.sleep(0.001)  # a moment between ready.set() and the futex wait
            tasks = sorted(int(x) for x in os.listdir("/proc/self/task"))
            report = {}
            for t in [threading.main_thread(), *workers]:
                state, ticks, last_cpu = _task_stat(t.native_id)
                report[t.name] = {
                    "native_id": t.native_id,
                    "state": state,
                    "cpu_ticks": ticks,
                    "cpu": last_cpu,
                    "affinity": sorted(os.sched_getaffinity(t.native_id)),
                }
                rec.say(
                    f"{t.name}: 内核任务 {t.native_id}, 状态 {state}, CPU 时间 {ticks} 个时钟节拍, "
                    f"可用 CPU {report[t.name]['affinity']}",
                    en=f"{t.name}: kernel task {t.native_id}, state {state}, CPU time {ticks} "
                    f"ticks, allowed CPUs {report[t.name]['affinity']}",
                )
        finally:
            stop.set()
            join_all(workers)
        try:
            pthread = os.confstr("CS_GNU_LIBPTHREAD_VERSION") or ""
        except (ValueError, OSError):  # not glibc (musl has no such name)
            pthread = ""
        return KernelView(os.getpid(), pthread, tasks, report, rec.events())


# --8<-- [end:kernel_threads]


# --8<-- [start:gil_and_c_code]
def compress_work(megabytes: int = 4) -> Callable[[], int]:
    """A task that spends its time in zlib's C code, which releases the GIL."""
    data = os.urandom(1 << 20) * megabytes
    return lambda: len(zlib.compress(data, 1))


@dataclass(frozen=True)
class GilAndC:
    """Pure Python against zlib, each run in turn and in two threads."""

    python: TwoWays  # pure-Python bytecode: holds the GIL
    zlib: TwoWays  # zlib.compress of a large buffer: releases the GIL
    gil: bool
    timeline: Timeline


@example(work=300_000, megabytes=1)
def gil_and_c_code(work: int = 3_000_000, megabytes: int = 8, repeat: int = 1) -> GilAndC:
    """Bytecode against C code that releases the GIL, each run twice: in turn, then in threads.

    With ``repeat`` > 1 each kind keeps its fastest sequential and its fastest
    threaded time, which filters out moments when something else had the CPU.
    """
    _positive("work", work)
    _positive("megabytes", megabytes)
    _positive("repeat", repeat)
    python_task, zlib_task = (lambda: spin(work)), compress_work(megabytes)
    best: dict[str, TwoWays] = {}
    for _ in range(repeat):
        with recording() as rec:
            for kind, task in (("python", python_task), ("zlib", zlib_task)):
                run = two_ways(rec, kind, task)
                best[kind] = faster(best[kind], run) if kind in best else run
            for run in best.values():
                rec.say(
                    f"{run.kind}: 依次 {run.sequential_s:.3f} 秒，两个线程 {run.threaded_s:.3f} 秒"
                    f"（比值 {run.ratio:.2f}，平均占用 {run.cores:.2f} 个 CPU）",
                    en=f"{run.kind}: in turn {run.sequential_s:.3f} s, two threads "
                    f"{run.threaded_s:.3f} s (ratio {run.ratio:.2f}, {run.cores:.2f} CPUs busy)",
                )
            timeline = rec.events()
    return GilAndC(best["python"], best["zlib"], gil_enabled(), timeline)


# --8<-- [end:gil_and_c_code]


# --8<-- [start:cpu_bound]
def _spin_task(rec: Recorder, work: int, barrier, out) -> None:
    barrier.wait(TIMEOUT)  # both workers start computing together
    out.put(timed(rec, "spin", lambda: spin(work)))  # who it was, and the CPU it got


@dataclass(frozen=True)
class CpuBound:
    """Two CPU-bound tasks in turn, in two threads and in two processes: times and CPU."""

    method: str
    gil: bool
    sequential_s: float  # two tasks in turn in the main thread
    threads_s: float  # two tasks in two threads
    processes_s: float  # two tasks in two processes (start-up not counted)
    threads_cpu_s: float  # CPU time used by the two threads together
    processes_cpu_s: float  # CPU time used by the two processes together
    sequential_cpu_s: float  # CPU time of the two tasks in the main thread
    timeline: Timeline
    threads: tuple[Worker, ...] = ()  # the two threads, as each reported itself
    processes: tuple[Worker, ...] = ()  # the two processes, as each reported itself

    @property
    def thread_speedup(self) -> float:
        return self.sequential_s / self.threads_s

    @property
    def process_speedup(self) -> float:
        return self.sequential_s / self.processes_s

    @property
    def thread_cores(self) -> float:
        """CPUs kept busy by the threads, on average (CPU time / wall time)."""
        return self.threads_cpu_s / self.threads_s

    @property
    def process_cores(self) -> float:
        return self.processes_cpu_s / self.processes_s

    @property
    def sequential_cores(self) -> float:
        """The share of a CPU the main thread got (below 1 when others used the CPU)."""
        return self.sequential_cpu_s / self.sequential_s


@dataclass(frozen=True)
class _Once:
    sequential: tuple[Worker, ...]
    threads: tuple[Worker, ...]
    processes: tuple[Worker, ...]
    timeline: Timeline


def _cpu_bound_once(ctx, work: int) -> _Once:
    with recording() as rec:
        sequential = (
            timed(rec, "spin", lambda: spin(work)),
            timed(rec, "spin", lambda: spin(work)),
        )
        tout: queue.SimpleQueue = queue.SimpleQueue()
        tbarrier = threading.Barrier(2)
        threads = [
            threading.Thread(
                target=_spin_task, args=(rec, work, tbarrier, tout), name=f"thread-{i}"
            )
            for i in range(2)
        ]
        for t in threads:
            t.start()
        join_all(threads)
        pout, pbarrier = ctx.Queue(), ctx.Barrier(2)
        procs = [
            ctx.Process(target=_spin_task, args=(rec, work, pbarrier, pout), name=f"process-{i}")
            for i in range(2)
        ]
        try:
            for p in procs:
                p.start()
            in_procs = [pout.get(timeout=TIMEOUT) for _ in procs]
        finally:
            join_all(procs)
            pout.close()
            pout.join_thread()
        in_threads = [tout.get_nowait() for _ in threads]

        def by_name(workers) -> tuple[Worker, ...]:
            return tuple(sorted(workers, key=lambda w: w.name))

        return _Once(sequential, by_name(in_threads), by_name(in_procs), rec.events())


@example(work=300_000)
def cpu_bound(ctx=None, work: int = 5_000_000, repeat: int = 1) -> CpuBound:
    """The same two CPU-bound tasks: in turn, in two threads, in two processes.

    Each run times only the computing (the spans), not starting the workers.
    With ``repeat`` > 1 each of the three keeps its fastest run, which filters
    out moments when something else on the machine had the CPU.
    """
    ctx = context(ctx)
    _positive("work", work)
    _positive("repeat", repeat)
    runs = [_cpu_bound_once(ctx, work) for _ in range(repeat)]
    seq = min(runs, key=lambda r: extent(r.sequential))
    threads = min(runs, key=lambda r: extent(r.threads))
    procs = min(runs, key=lambda r: extent(r.processes))
    result = CpuBound(
        ctx.get_start_method(),
        gil_enabled(),
        extent(seq.sequential),
        extent(threads.threads),
        extent(procs.processes),
        sum(w.cpu_s for w in threads.threads),
        sum(w.cpu_s for w in procs.processes),
        sum(w.cpu_s for w in seq.sequential),
        runs[-1].timeline,
        threads.threads,
        procs.processes,
    )
    with recording() as rec:
        rec.say(
            f"依次: {result.sequential_s:.3f} 秒，平均占用 {result.sequential_cores:.2f} 个 CPU",
            en=f"in turn: {result.sequential_s:.3f} s, {result.sequential_cores:.2f} CPUs busy",
        )
        rec.say(
            f"两个线程: {result.threads_s:.3f} 秒，加速 {result.thread_speedup:.2f} 倍，"
            f"平均占用 {result.thread_cores:.2f} 个 CPU",
            en=f"two threads: {result.threads_s:.3f} s, speed-up {result.thread_speedup:.2f}x, "
            f"{result.thread_cores:.2f} CPUs busy",
        )
        rec.say(
            f"两个进程: {result.processes_s:.3f} 秒，加速 {result.process_speedup:.2f} 倍，"
            f"平均占用 {result.process_cores:.2f} 个 CPU",
            en=f"two processes: {result.processes_s:.3f} s, speed-up "
            f"{result.process_speedup:.2f}x, {result.process_cores:.2f} CPUs busy",
        )
        said = rec.events()
    return dataclasses.replace(result, timeline=Timeline([*result.timeline, *said]))


# --8<-- [end:cpu_bound]


# --8<-- [start:ready_together]
READY_KINDS = ("python threads", "zlib threads", "processes")
LANE = {"python threads": "py-thread", "zlib threads": "zlib-thread", "processes": "process"}
KIND_ZH = {
    "python threads": "纯 Python 线程",
    "zlib threads": " zlib 压缩线程",
    "processes": "进程",
}


def _keep_spinning(rec: Recorder, kind: str, started, stop) -> None:
    """Compute until ``stop``: Python bytecode, or zlib (GIL released) for ``zlib threads``."""
    data = os.urandom(1 << 20) if kind == "zlib threads" else b""
    started.set()
    with rec.span("running", kind):
        while not stop.is_set():
            if data:
                zlib.compress(data, 1)
            else:
                spin(10_000)


def _sample_states(paths: list[str], samples: int, interval: float, out) -> None:
    """In a process of its own: read the kernel's state letter of each task, ``samples`` times."""
    seen = []
    for _ in range(samples):
        letters = []
        for path in paths:
            with open(path, encoding="ascii") as f:
                letters.append(f.read().rsplit(")", 1)[1].split()[0])
        seen.append("".join(letters))
        time.sleep(interval)
    out.put(seen)


@dataclass(frozen=True)
class ReadyTogether:
    """The kernel states of two busy workers, sampled again and again, per kind of pair."""

    method: str
    patterns: dict[str, dict[str, int]]  # kind -> {"RS": 41, "SR": 39, "RR": 20, ...}
    timeline: Timeline

    def both_ready(self, kind: str) -> float:
        """The share of samples in which both workers were running or runnable (``R``)."""
        counts = self.patterns[kind]
        return counts.get("RR", 0) / sum(counts.values())


def _pair(ctx, rec: Recorder, kind: str, samples: int, interval: float) -> list[str]:
    threaded = kind != "processes"
    make = threading.Thread if threaded else ctx.Process
    event = threading.Event if threaded else ctx.Event
    started, stop = [event(), event()], event()
    workers = [
        make(target=_keep_spinning, args=(rec, kind, started[i], stop), name=f"{LANE[kind]}-{i}")
        for i in range(2)
    ]
    out = ctx.Queue()
    sampler = None
    try:
        for w in workers:
            w.start()
        if not all(e.wait(TIMEOUT) for e in started):
            raise TimeoutError(f"the {kind} did not start")
        if threaded:
            paths = [f"/proc/{os.getpid()}/task/{w.native_id}/stat" for w in workers]
        else:
            paths = [f"/proc/{w.pid}/stat" for w in workers]
        # Sampled from another process: a sampler thread in this one would need the GIL.
        sampler = ctx.Process(
            target=_sample_states, args=(paths, samples, interval, out), name="sampler"
        )
        sampler.start()
        return out.get(timeout=TIMEOUT)
    finally:
        stop.set()
        if threaded:
            join_all(workers)
        else:
            join_all(workers)
        if sampler is not None:
            join_all([sampler])
        out.close()
        out.join_thread()


@example(samples=60)
def ready_together(
    ctx=None, samples: int = 300, interval: float = 0.002, kinds: tuple = READY_KINDS
) -> ReadyTogether:
    """How often are two busy workers *both* ready to run? Ask the kernel, again and again.

    For each kind of pair (two threads running bytecode, two threads compressing
    with zlib, two processes running bytecode) a separate sampler process reads
    the state letter of both workers from ``/proc`` ``samples`` times: ``R``
    running or runnable, ``S`` asleep. A thread waiting for the GIL sleeps.
    Readiness does not depend on how busy the machine is, unlike speed-ups.
    """
    if sys.platform != "linux":
        raise OSError("ready_together reads /proc: it needs Linux")
    ctx = context(ctx)
    _positive("samples", samples)
    _positive("interval", interval, SECONDS)
    unknown = set(kinds) - set(READY_KINDS)
    if unknown:
        raise ValueError(f"unknown kinds {sorted(unknown)}; choose from {READY_KINDS}")
    patterns = {}
    with recording() as rec:
        for kind in kinds:
            seen = _pair(ctx, rec, kind, samples, interval)
            patterns[kind] = {p: seen.count(p) for p in sorted(set(seen))}
            share = patterns[kind].get("RR", 0) / len(seen)
            rec.say(
                f"两个{KIND_ZH[kind]}：{share:.0%} 的采样中两者同时就绪（R） {patterns[kind]}",
                en=f"two {kind}: both ready (R) in {share:.0%} of the samples {patterns[kind]}",
            )
        return ReadyTogether(ctx.get_start_method(), patterns, rec.events())


# --8<-- [end:ready_together]


# --8<-- [start:server]
class _SlowPage(BaseHTTPRequestHandler):
    """Answers ``GET /<anything>`` after the server's latency, up to its request budget."""

    server: PageServer

    def do_GET(self) -> None:
        if not self.server.take_one():
            self.send_error(503, "request budget of this test server used up")
            return
        time.sleep(self.server.latency)  # the network and the far server, simulated
        body = f"page {self.path}".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args) -> None:
        pass  # quiet: no line on stderr per request


class PageServer(ThreadingHTTPServer):
    """An HTTP server on 127.0.0.1 (a free port) that answers each request after ``latency``.

    It serves at most ``max_requests`` requests (then 503), so a runaway client
    cannot hammer it; ``served`` counts what it answered. Its listen backlog is
    raised from socketserver's 5 to 64: with the default, a burst of more than 5
    connections on a busy machine can overflow it, and the kernel then drops
    the extra SYNs, which the clients resend only after a second.
    """

    request_queue_size = 64

    def __init__(self, latency: float, max_requests: int):
        super().__init__(("127.0.0.1", 0), _SlowPage)
        self.latency, self.max_requests, self.served = latency, max_requests, 0
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def take_one(self) -> bool:
        with self._lock:
            if self.served >= self.max_requests:
                return False
            self.served += 1
            return True


@contextlib.contextmanager
def page_server(latency: float = 0.1, max_requests: int = 100) -> Iterator[PageServer]:
    """Run a :class:`PageServer` in a thread; shut it down and join every thread on exit."""
    if latency < 0:
        raise ValueError(f"latency must be >= 0, not {latency!r}")
    _positive("max_requests", max_requests)
    server = PageServer(latency, max_requests)
    runner = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="page-server"
    )
    runner.start()
    try:
        yield server
    finally:
        server.shutdown()  # returns once serve_forever has stopped
        server.server_close()  # closes the socket and joins the request threads
        join_all([runner])


# --8<-- [end:server]


# --8<-- [start:fetch_pages]
_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # 127.0.0.1 direct


def fetch(url: str, rec: Recorder | None = None) -> str:
    """GET ``url`` and return the body; with a recorder, the wait is a span of the timeline."""
    with contextlib.ExitStack() as stack:
        if rec is not None:
            stack.enter_context(rec.span("waiting", "GET"))
        with _NO_PROXY.open(url, timeout=TIMEOUT) as response:
            return response.read().decode()


@dataclass(frozen=True)
class Fetched:
    """Pages fetched one by one and in threads, and how long each way took."""

    pages: int
    latency: float | None  # the latency of the example's own server (None: base_url given)
    sequential_s: float
    threaded_s: float
    same_pages: bool  # both ways got the same bodies, in page order
    served: int | None  # requests the server answered (None: the server was not ours)
    timeline: Timeline

    @property
    def speedup(self) -> float:
        return self.sequential_s / self.threaded_s


@example(pages=8, latency=0.05)
def fetch_pages(pages: int = 8, latency: float = 0.2, base_url: str | None = None) -> Fetched:
    """Fetch ``pages`` pages one after another, then all at once in threads.

    With ``base_url`` None the example runs its own :class:`PageServer` with
    ``latency``; a test passes the URL of the server it started.
    """
    _positive("pages", pages)
    with contextlib.ExitStack() as stack:
        server = None
        if base_url is None:
            server = stack.enter_context(page_server(latency, max_requests=2 * pages))
            base_url = server.url
        urls = [f"{base_url}/page/{i}" for i in range(pages)]
        with recording() as rec:
            start = time.monotonic()
            one_by_one = [fetch(u, rec) for u in urls]
            sequential_s = time.monotonic() - start
            rec.say(
                f"依次抓取 {pages} 页：{sequential_s:.2f} 秒",
                en=f"{pages} pages one by one: {sequential_s:.2f} s",
            )
            start = time.monotonic()
            with ThreadPoolExecutor(max_workers=pages, thread_name_prefix="fetch") as pool:
                at_once = list(pool.map(lambda u: fetch(u, rec), urls, timeout=TIMEOUT))
            threaded_s = time.monotonic() - start
            rec.say(
                f"{pages} 个线程同时抓取：{threaded_s:.2f} 秒",
                en=f"{pages} pages in {pages} threads: {threaded_s:.2f} s",
            )
            timeline = rec.events()
        served = server.served if server is not None else None
    return Fetched(
        pages,
        latency if server is not None else None,
        sequential_s,
        threaded_s,
        one_by_one == at_once,
        served,
        timeline,
    )


# --8<-- [end:fetch_pages]


# --8<-- [start:creation_cost]
def _idle() -> None:
    pass


@dataclass(frozen=True)
class CreationCost:
    """The time to start and join a batch of idle threads, and of idle processes."""

    method: str
    n: int
    threads_s: float  # start n do-nothing threads, then join them all (fastest run)
    processes_s: float  # the same with n processes
    timeline: Timeline

    @property
    def ratio(self) -> float:
        return self.processes_s / self.threads_s


def _start_and_join(workers) -> float:
    start = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join(TIMEOUT)
    elapsed = time.perf_counter() - start
    if any(w.is_alive() for w in workers):
        raise TimeoutError("a do-nothing worker did not finish")
    return elapsed


@example(n=8, repeat=2)
def creation_cost(ctx=None, n: int = 8, repeat: int = 5) -> CreationCost:
    """Start a batch of ``n`` idle threads, then of ``n`` idle processes, and time each batch.

    One process is started and joined first, so that the fork server (if any)
    is already up; each batch keeps its fastest of ``repeat`` runs.
    """
    ctx = context(ctx)
    _positive("n", n)
    _positive("repeat", repeat)
    _start_and_join([ctx.Process(target=_idle)])  # warm-up
    with recording() as rec:
        with rec.span("running", f"{n} threads"):
            threads_s = min(
                _start_and_join([threading.Thread(target=_idle) for _ in range(n)])
                for _ in range(repeat)
            )
        with rec.span("running", f"{n} processes"):
            processes_s = min(
                _start_and_join([ctx.Process(target=_idle) for _ in range(n)])
                for _ in range(repeat)
            )
        cost = CreationCost(ctx.get_start_method(), n, threads_s, processes_s, Timeline())
        rec.say(
            f"启动并等待 {n} 个线程: {threads_s * 1e3:.2f} 毫秒；{n} 个进程"
            f"（{cost.method}）: {processes_s * 1e3:.2f} 毫秒；约 {cost.ratio:.0f} 倍",
            en=f"start and join {n} threads: {threads_s * 1e3:.2f} ms; {n} processes "
            f"({cost.method}): {processes_s * 1e3:.2f} ms; about {cost.ratio:.0f}x",
        )
        return dataclasses.replace(cost, timeline=rec.events())


# --8<-- [end:creation_cost]


# --8<-- [start:example_3_11]
def add_up(n: int, rec: Recorder, results: list) -> int:
    """Add 0, 1, ..., n one at a time, in the thread that runs it."""
    total = 0
    for k in range(n + 1):
        total += k
    rec.say(f"{total}", en=f"{total}")  # the chapter's thread prints the sum
    results.append(total)  # an ordinary list: the thread shares it with its creator
    return total  # Thread discards this: join() always returns None


@dataclass(frozen=True)
class OneThread:
    """What 例 3-11 observed: the sum, what ``join`` returned, and its timeline."""

    total: int  # what the thread left in the shared list
    join_returned: object  # what join() gave back
    thread_name: str
    timeline: Timeline


@example("例 3-11")
def one_thread(n: int = 100) -> OneThread:
    """例 3-11: one thread adds up 0..n while the main thread waits for it in ``join``."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError(f"n must be an int >= 0, not {n!r}")
    results: list[int] = []
    with recording() as rec:
        worker = threading.Thread(target=add_up, args=(n, rec, results), name="counter")
        worker.start()
        with rec.span("blocked", "join"):
            returned = worker.join(TIMEOUT)
        if worker.is_alive():
            raise TimeoutError("the counting thread did not finish")
        return OneThread(results[0], returned, worker.name, rec.events())


# --8<-- [end:example_3_11]


# --8<-- [start:thread_ids]
def _report_ids(rec: Recorder, barrier, ids: dict) -> None:
    me = threading.current_thread()
    ids[me.name] = {"ident": threading.get_ident(), "native_id": threading.get_native_id()}
    rec.say(
        f"{me.name}: ident={me.ident}, native_id={me.native_id}",
        en=f"{me.name}: ident={me.ident}, native_id={me.native_id}",
    )
    barrier.wait(TIMEOUT)  # all alive at once: live threads never share an id


@dataclass(frozen=True)
class ThreadIds:
    """The ``ident`` and ``native_id`` of some threads and of the main thread."""

    pid: int
    main: dict  # the main thread's ident and native_id
    before_start: tuple  # (ident, native_id) of a thread not started yet
    seen_inside: dict[str, dict]  # what each thread read about itself
    seen_outside: dict[str, dict]  # what the Thread objects said after start
    timeline: Timeline


@example(n=3)
def thread_ids(n: int = 3) -> ThreadIds:
    """The two ids of each thread: Python's ``ident`` and the kernel's ``native_id``."""
    _positive("n", n)
    ids: dict[str, dict] = {}
    barrier = threading.Barrier(n)
    with recording() as rec:
        threads = [
            threading.Thread(target=_report_ids, args=(rec, barrier, ids), name=f"thread-{i}")
            for i in range(n)
        ]
        before = (threads[0].ident, threads[0].native_id)
        for t in threads:
            t.start()
        join_all(threads)
        main_thread = threading.main_thread()
        rec.say(
            f"主线程: ident={main_thread.ident}, native_id={main_thread.native_id}, "
            f"PID={os.getpid()}",
            en=f"main thread: ident={main_thread.ident}, native_id={main_thread.native_id}, "
            f"PID={os.getpid()}",
        )
        return ThreadIds(
            os.getpid(),
            {"ident": main_thread.ident, "native_id": main_thread.native_id},
            before,
            ids,
            {t.name: {"ident": t.ident, "native_id": t.native_id} for t in threads},
            rec.events(),
        )


# --8<-- [end:thread_ids]


# --8<-- [start:misuse]
def _error_of(action: Callable[[], object]) -> str:
    """``"ExceptionType: message"`` raised by ``action``, or ``"no error"``."""
    try:
        action()
    except Exception as e:  # AssertionError included: that is what Process raises
        return f"{type(e).__name__}: {e}"
    return "no error"


def _set_daemon(worker) -> None:
    worker.daemon = True


def _join_myself(out: list) -> None:
    out.append(_error_of(threading.current_thread().join))


MISUSE_ZH = {
    "join before start": "start 之前 join",
    "start twice": "start 两次",
    "daemon after start": "start 之后设置 daemon",
    "join itself": "线程 join 自己",
}


@dataclass(frozen=True)
class Misuse:
    """What each misuse raised, for a thread and for a process."""

    method: str
    thread: dict[str, str]  # misuse -> "ExceptionType: message"
    process: dict[str, str]
    timeline: Timeline


@example()
def misuse(ctx=None) -> Misuse:
    """The same four mistakes made with a Thread and with a Process, and what each raises."""
    ctx = context(ctx)
    thread, process = {}, {}
    t = threading.Thread(target=_idle, name="misused")
    thread["join before start"] = _error_of(t.join)
    t.start()
    t.join(TIMEOUT)
    thread["start twice"] = _error_of(t.start)
    thread["daemon after start"] = _error_of(lambda: _set_daemon(t))
    seen: list[str] = []
    selfish = threading.Thread(target=_join_myself, args=(seen,), name="selfish")
    selfish.start()
    join_all([selfish])
    thread["join itself"] = seen[0]
    p = ctx.Process(target=_idle, name="misused")
    process["join before start"] = _error_of(p.join)
    p.start()
    join_all([p])
    process["start twice"] = _error_of(p.start)
    process["daemon after start"] = _error_of(lambda: _set_daemon(p))
    p.close()
    with recording() as rec:
        for kind, errors in (("Thread", thread), ("Process", process)):
            for what, error in errors.items():
                rec.say(f"{kind}，{MISUSE_ZH[what]}: {error}", en=f"{kind}, {what}: {error}")
        return Misuse(ctx.get_start_method(), thread, process, rec.events())


# --8<-- [end:misuse]


# --8<-- [start:args_without_comma]
def _count_to(n: int) -> int:
    return sum(range(n + 1))


@dataclass(frozen=True)
class MissingComma:
    """Where the error of ``args=(100)`` surfaces, for a thread and for a process."""

    method: str
    start_raised: str  # what Thread(...).start() and join() raised in the caller
    reported: list[str]  # what threading.excepthook received, as "Type: message (thread)"
    process_raised: str  # what Process(..., args=(100)) raised in the caller
    timeline: Timeline


@example()
def args_without_comma(ctx=None) -> MissingComma:
    """``args=(100)`` is the int 100, not a tuple: a Thread and a Process each given it."""
    ctx = context(ctx)
    reported: list[str] = []

    def hook(info: threading.ExceptHookArgs) -> None:
        reported.append(f"{info.exc_type.__name__}: {info.exc_value} ({info.thread.name})")

    with recording() as rec:
        previous, threading.excepthook = threading.excepthook, hook
        try:
            # (100) is just 100 in parentheses: the comma of (100,) makes a tuple
            worker = threading.Thread(target=_count_to, args=(100), name="no-comma")

            def start_and_join() -> None:
                worker.start()
                worker.join(TIMEOUT)

            caller_saw = _error_of(start_and_join)
        finally:
            threading.excepthook = previous
        rec.say(
            f"主线程: start() 与 join() → {caller_saw}",
            en=f"main thread: start() and join() → {caller_saw}",
        )
        for line in reported:
            rec.say(f"threading.excepthook ← {line}")
        process_raised = _error_of(
            lambda: ctx.Process(target=_count_to, args=(100), name="no-comma")
        )
        rec.say(f"Process(args=(100)) → {process_raised}")
        return MissingComma(
            ctx.get_start_method(), caller_saw, reported, process_raised, rec.events()
        )


# --8<-- [end:args_without_comma]


# --8<-- [start:daemon_at_exit]
def exit_demo_child(path: str, work: float) -> None:
    """The program run by :func:`daemon_at_exit` in a fresh interpreter."""
    rec = Recorder(path)
    main_returned, daemon_busy = threading.Event(), threading.Event()

    def steady() -> None:
        main_returned.wait(TIMEOUT)  # its work starts only once the main thread is done
        rec.sleep(work, "job")
        rec.say("非守护线程：工作完成", en="non-daemon thread: job done")

    def endless() -> None:
        try:
            with rec.span("waiting", "endless job"):
                daemon_busy.set()
                time.sleep(2 * TIMEOUT)  # far longer than the parent will wait
            rec.say("守护线程：工作完成", en="daemon thread: job done")
        finally:
            rec.mark("守护线程：finally 块", en="daemon thread: finally block")

    threading.Thread(target=steady, name="non-daemon").start()
    threading.Thread(target=endless, name="daemon", daemon=True).start()
    daemon_busy.wait(TIMEOUT)
    rec.say("主线程：代码执行完毕", en="main thread: reached the end of the program")
    main_returned.set()


@dataclass(frozen=True)
class AtExit:
    """How the interpreter of :func:`daemon_at_exit` ended, and its threads' timeline."""

    returncode: int
    seconds: float  # how long the interpreter took from start to exit
    stderr: str
    timeline: Timeline


@example(work=0.1)
def daemon_at_exit(work: float = 0.5) -> AtExit:
    """A program whose main thread ends while a non-daemon and a daemon thread still work."""
    _positive("work", work, SECONDS)
    code = "import sys; from chapter3.thread_creation import exit_demo_child as f; "
    code += "f(sys.argv[1], float(sys.argv[2]))"
    paths = [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}
    with recording() as rec:
        start = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-c", code, rec.path, str(work)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
        seconds = time.monotonic() - start
        return AtExit(done.returncode, seconds, done.stderr, rec.events())


# --8<-- [end:daemon_at_exit]


if __name__ == "__main__":
    main("thread_creation")
