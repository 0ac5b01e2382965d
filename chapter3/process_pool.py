"""§3.3.4 Asynchronous work: process pools, their results and callbacks, and
``concurrent.futures.ProcessPoolExecutor`` beside them.

A `multiprocessing.pool.Pool` is a fixed set of worker processes fed from
one task queue. The parent hands it work with ``apply`` / ``map`` (and waits for
the answer) or ``apply_async`` / ``map_async`` (and gets an ``AsyncResult`` at
once). Three threads of the *parent* keep a pool going: one moves tasks to the
workers, one replaces workers that exit, and one receives results; that last
one also runs the callbacks.

Every example records what happened with a `Recorder` (from `chapter3.timeline`)
that the pool's *initializer* hands to each worker process (so the tasks keep
the chapter's one-argument signature), and returns what it observed.
``python -m chapter3.process_pool`` prints the runs.

Where a claim is about an order, the example forces that order with *gates*
(events a task waits for before computing) instead of hoping for it.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import multiprocessing
import os
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from multiprocessing import current_process
from typing import Any

from chapter3.outcomes import error_of
from chapter3.runner import example, main
from chapter3.timeline import Recorder, Timeline, recording
from chapter3.waiting import TIMEOUT, context, join_all

# ---------------------------------------------------------------------------
# What the workers know: set once per worker process by the pool's initializer
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Setup:
    """What every worker of a pool is given when it starts (see `init_worker`).

    Attributes:
        rec: where tasks record what they do.
        gates: ``calculator(x)`` waits until ``gates[x]`` is set before computing
            (inputs without a gate compute at once). This is how examples force
            an order of completion.
        started: a semaphore a task releases as soon as it begins.
        finished: a semaphore a task releases once its value is computed.
        barrier: a barrier each new worker waits at, so that timings start
            with every worker up and idle.
    """

    rec: Recorder
    gates: dict = field(default_factory=dict)
    started: Any = None
    finished: Any = None
    barrier: Any = None


_WORKER: dict[str, Setup] = {}  # in a worker process: {"setup": the Setup it was given}


def init_worker(setup: Setup) -> None:
    """Pool initializer: run once in each worker process before its first task."""
    _WORKER["setup"] = setup
    setup.rec.mark(
        f"{current_process().name} 就绪 (pid {os.getpid()})",
        en=f"{current_process().name} ready (pid {os.getpid()})",
    )
    if setup.barrier is not None:
        # a late or replacement worker must not fail: the pool would respawn it forever
        with contextlib.suppress(threading.BrokenBarrierError):
            setup.barrier.wait(TIMEOUT)


def _setup() -> Setup:
    try:
        return _WORKER["setup"]
    except KeyError:
        raise RuntimeError("a pool task ran in a process without init_worker") from None


def _pool(ctx, processes: int | None, setup: Setup, **kwargs):
    """A pool whose workers all run `init_worker` with ``setup``."""
    return ctx.Pool(processes, initializer=init_worker, initargs=(setup,), **kwargs)


def _join_pool(pool, timeout: float = TIMEOUT) -> None:
    """``pool.join()`` with a deadline (``close()`` or ``terminate()`` must come first).

    ``Pool.join`` takes no timeout; it runs here in a helper thread. If it has not
    returned after ``timeout`` seconds, the pool is terminated and TimeoutError raised.
    """
    joiner = threading.Thread(target=pool.join, name="pool-join")
    joiner.start()
    joiner.join(timeout)
    if joiner.is_alive():
        pool.terminate()
        joiner.join(timeout)
        raise TimeoutError(f"the pool did not finish within {timeout} s")


def _new_children(before: set) -> list:
    """Child processes started since ``before`` (a set of ``active_children()``)."""
    return sorted(set(multiprocessing.active_children()) - before, key=lambda p: p.name)


# ---------------------------------------------------------------------------
# Tasks (module-level: a pool sends them to its workers by pickling their name)
# ---------------------------------------------------------------------------


# --8<-- [start:calculator]
def calculator(x: int) -> int:
    """The chapter's task: ``x`` cubed, recorded by the worker process that runs it.

    If the pool's `Setup` has a gate for ``x``, the task first waits for it.
    """
    setup = _setup()
    rec, me = setup.rec, current_process().name
    if setup.started is not None:
        setup.started.release()
    gate = setup.gates.get(x)
    if gate is not None:
        with rec.span("blocked", f"gate {x}"):
            if not gate.wait(TIMEOUT):
                raise TimeoutError(f"gate {x} was never opened")
    with rec.span("running", f"calculator({x})"):
        rec.say(f"{me} 计算 {x} 的立方", en=f"{me} computes {x} cubed")
        value = x * x * x
    if setup.finished is not None:
        setup.finished.release()
    return value


# --8<-- [end:calculator]


def whoami(x: int) -> tuple[int, str, int]:
    """A task that reports which worker ran it: ``(x, process name, pid)``.

    Like `calculator`, it first waits for its gate if the pool's `Setup` has one.
    """
    setup = _setup()
    rec, me = setup.rec, current_process().name
    gate = setup.gates.get(x)
    if gate is not None:
        with rec.span("blocked", f"gate {x}"):
            if not gate.wait(TIMEOUT):
                raise TimeoutError(f"gate {x} was never opened")
    with rec.span("running", f"task {x}"):
        rec.say(f"{me} 执行任务 {x}", en=f"{me} runs task {x}")
    if setup.finished is not None:
        setup.finished.release()
    return x, me, os.getpid()


def work(tag: str, seconds: float) -> int:
    """A task that stands for ``seconds`` of work (a recorded sleep named ``tag``)."""
    _setup().rec.sleep(seconds, tag)
    return os.getpid()


def fail(x: int) -> int:
    """A task that always raises ``ValueError``."""
    with _setup().rec.span("running", f"fail({x})"):
        raise ValueError(f"bad input {x}")


def shout(word: str) -> str:
    """A task of one string argument: the word in capitals."""
    with _setup().rec.span("running", f"shout({word!r})"):
        return word.upper()


# ===========================================================================
# The pool: how many workers, and who runs which task
# ===========================================================================


# --8<-- [start:pool_size]
@dataclass(frozen=True)
class PoolSize:
    requested: int | None  # the argument given to Pool()
    cpu_count: int  # os.cpu_count(): every CPU of the machine
    usable_cpus: int  # CPUs this process may run on (its affinity)
    workers: tuple[str, ...]  # the processes the pool started, before any task
    timeline: Timeline


@example()
def pool_size(ctx=None, processes: int | None = None) -> PoolSize:
    """Create ``Pool(processes)`` and list the worker processes it started at once."""
    ctx = context(ctx)
    with recording() as rec:
        before = set(multiprocessing.active_children())
        with _pool(ctx, processes, Setup(rec)) as pool:
            workers = tuple(p.name for p in _new_children(before))
            rec.say(
                f"Pool({processes}) 启动了 {len(workers)} 个工作进程",
                en=f"Pool({processes}) started {len(workers)} worker processes",
            )
            pool.close()
            _join_pool(pool)
        return PoolSize(processes, os.cpu_count() or 1, _usable_cpus(), workers, rec.events())


def _usable_cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


# --8<-- [end:pool_size]


# --8<-- [start:pinned]
def _pool_size_on_one_cpu(conn, method: str) -> None:
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # this process: one CPU only
    before = set(multiprocessing.active_children())
    with multiprocessing.get_context(method).Pool() as pool:
        started = len(_new_children(before))
        pool.close()
        _join_pool(pool)
    conn.send((os.cpu_count(), len(os.sched_getaffinity(0)), started))
    conn.close()


@dataclass(frozen=True)
class PinnedPoolSize:
    cpu_count: int
    usable_cpus: int  # 1: the process was pinned to one CPU
    workers: int  # what Pool() started in that process


def pool_size_on_one_cpu(ctx=None) -> PinnedPoolSize:
    """``Pool()`` in a process allowed to run on one CPU only (Linux affinity)."""
    ctx = context(ctx)
    reader, writer = ctx.Pipe(duplex=False)
    child = ctx.Process(
        target=_pool_size_on_one_cpu, args=(writer, ctx.get_start_method()), name="pinned"
    )
    child.start()
    writer.close()
    try:
        if not reader.poll(TIMEOUT):
            raise TimeoutError("the pinned process did not answer")
        answer = reader.recv()
    finally:
        reader.close()
        join_all([child])
    return PinnedPoolSize(*answer)


# --8<-- [end:pinned]


# --8<-- [start:who_runs_what]
@dataclass(frozen=True)
class WhoRuns:
    assignments: tuple[tuple[int, str, int], ...]  # (task, worker name, worker pid), in task order
    timeline: Timeline

    @property
    def pids(self) -> set[int]:
        return {pid for _, _, pid in self.assignments}


@example(tasks=6)
def who_runs_what(
    ctx=None,
    processes: int = 2,
    tasks: int = 6,
    chunksize: int = 1,
    maxtasksperchild: int | None = None,
) -> WhoRuns:
    """Map ``tasks`` tasks onto ``processes`` workers and report which worker ran each.

    ``chunksize`` tasks travel to a worker together; with ``maxtasksperchild`` a
    worker exits after that many chunks and the pool starts a fresh one.
    """
    ctx = context(ctx)
    with recording() as rec:
        with _pool(ctx, processes, Setup(rec), maxtasksperchild=maxtasksperchild) as pool:
            result = pool.map_async(whoami, range(tasks), chunksize)
            with rec.span("blocked", "get()"):
                assignments = tuple(result.get(TIMEOUT))
            pool.close()
            _join_pool(pool)
        return WhoRuns(assignments, rec.events())


@dataclass(frozen=True)
class NextTask:
    assignments: tuple[tuple[int, str, int], ...]  # (task, worker name, worker pid)
    done_while_held: int  # tasks that finished while task 0 was held at its gate
    workers: int  # worker processes the pool started
    timeline: Timeline

    @property
    def held_pid(self) -> int:
        return self.assignments[0][2]


@example(tasks=6, patience=1.0)
def free_worker_takes_next(ctx=None, tasks: int = 6, patience: float = 5.0) -> NextTask:
    """``map`` ``tasks`` tasks onto ``Pool(2)`` while task 0 is held at a gate.

    The worker that took task 0 is kept busy; the parent counts the tasks that
    finish meanwhile (waiting at most ``patience`` seconds for each), then opens
    the gate.
    """
    ctx = context(ctx)
    with recording() as rec:
        gate, finished = ctx.Event(), ctx.Semaphore(0)
        setup = Setup(rec, gates={0: gate}, finished=finished)
        before = set(multiprocessing.active_children())
        with _pool(ctx, 2, setup) as pool:
            workers = len(_new_children(before))
            result = pool.map_async(whoami, range(tasks), chunksize=1)
            try:
                done = 0
                while done < tasks - 1 and finished.acquire(timeout=patience):
                    done += 1
                rec.mark(f"任务 0 被拦住期间完成了 {done} 个任务", en=f"{done} done meanwhile")
            finally:
                gate.set()
            with rec.span("blocked", "get()"):
                assignments = tuple(result.get(TIMEOUT))
            pool.close()
            _join_pool(pool)
        return NextTask(assignments, done, workers, rec.events())


# --8<-- [end:who_runs_what]


# ===========================================================================
# apply / apply_async / map / map_async
# ===========================================================================


# --8<-- [start:apply_vs_apply_async]
@dataclass(frozen=True)
class ApplyVsAsync:
    apply_value: int  # what apply() returned: the pid of the worker that ran the task
    async_value: int  # what get() returned for the apply_async() task
    timeline: Timeline


@example(seconds=0.1)
def apply_vs_apply_async(ctx=None, seconds: float = 0.5) -> ApplyVsAsync:
    """``apply`` returns when the task is done; ``apply_async`` returns before it starts.

    The ``apply_async`` task is gated: it cannot finish until the main process
    opens its gate, which it does only after ``apply_async`` has returned.
    """
    ctx = context(ctx)
    with recording() as rec:
        gate = ctx.Event()
        with _pool(ctx, 1, Setup(rec, gates={3: gate})) as pool:
            with rec.span("blocked", "apply()"):
                apply_value = pool.apply(work, ("apply", seconds))
            rec.say("apply() 返回", en="apply() returned")
            pending = pool.apply_async(calculator, (3,))
            rec.say("apply_async() 返回", en="apply_async() returned")
            gate.set()
            with rec.span("blocked", "get()"):
                async_value = pending.get(TIMEOUT)
            rec.say(f"get() 取回 {async_value}", en=f"get() returned {async_value}")
            pool.close()
            _join_pool(pool)
        return ApplyVsAsync(apply_value, async_value, rec.events())


# --8<-- [end:apply_vs_apply_async]


# --8<-- [start:map_order]
@dataclass(frozen=True)
class MapOrder:
    completion: tuple[int, ...]  # inputs in the order their tasks finished (forced)
    result: list  # what get() returned
    callback_calls: tuple  # the argument of each call of map_async's callback
    timeline: Timeline


@example()
def map_order(ctx=None, release: tuple[int, ...] = (3, 2, 1)) -> MapOrder:
    """``map_async`` over ``sorted(release)``; the tasks are made to finish in ``release`` order."""
    ctx = context(ctx)
    with recording() as rec:
        gates = {x: ctx.Event() for x in release}
        finished = ctx.Semaphore(0)
        calls = []
        with _pool(ctx, len(release), Setup(rec, gates=gates, finished=finished)) as pool:
            mapped = pool.map_async(calculator, sorted(release), chunksize=1, callback=calls.append)
            for x in release:  # open one gate, wait until that task is done, then the next
                gates[x].set()
                if not finished.acquire(timeout=TIMEOUT):
                    raise TimeoutError(f"task {x} did not finish")
            with rec.span("blocked", "get()"):
                result = mapped.get(TIMEOUT)
            rec.say(f"get() 取回 {result}", en=f"get() returned {result}")
            pool.close()
            _join_pool(pool)
        timeline = rec.events()
        done = [s for s in timeline.spans() if s.text.startswith("calculator(")]
        completion = tuple(int(s.text[11:-1]) for s in sorted(done, key=lambda s: s.end))
        return MapOrder(completion, result, tuple(calls), timeline)


# --8<-- [end:map_order]


# ===========================================================================
# AsyncResult: get(timeout), ready(), successful(), errors
# ===========================================================================


# --8<-- [start:get_with_timeout]
@dataclass(frozen=True)
class GetTimeout:
    ready_before: bool  # ready() while the task is held
    successful_before: str  # what successful() raised while the task is held
    timeout_error: str  # the class get(timeout) raised
    waited: float  # seconds get(timeout) waited before raising
    value: int  # get() once the task was let go
    ready_after: bool
    successful_after: bool
    timeline: Timeline


@example(timeout=0.2)
def get_with_timeout(ctx=None, timeout: float = 1.0) -> GetTimeout:
    """Ask a held task for its result with a timeout, then let it finish and ask again."""
    ctx = context(ctx)
    with recording() as rec:
        gate = ctx.Event()
        with _pool(ctx, 1, Setup(rec, gates={3: gate})) as pool:
            pending = pool.apply_async(calculator, (3,))
            ready_before = pending.ready()
            try:
                pending.successful()
                successful_before = "no error"
            except ValueError as e:
                successful_before = f"ValueError: {e}"
            start = time.monotonic()
            try:
                with rec.span("blocked", f"get(timeout={timeout})"):
                    pending.get(timeout)
                timeout_error = "none"
            except multiprocessing.TimeoutError as e:
                timeout_error = f"{type(e).__module__}.{type(e).__qualname__}"
                rec.say(f"get({timeout}) 超时", en=f"get({timeout}) timed out")
            waited = time.monotonic() - start
            gate.set()
            with rec.span("blocked", "get()"):
                value = pending.get(TIMEOUT)
            rec.say(f"get() 取得 {value}", en=f"get() returned {value}")
            pool.close()
            _join_pool(pool)
        return GetTimeout(
            ready_before,
            successful_before,
            timeout_error,
            waited,
            value,
            pending.ready(),
            pending.successful(),
            rec.events(),
        )


# --8<-- [end:get_with_timeout]


# --8<-- [start:task_exception]
@dataclass(frozen=True)
class TaskError:
    raised: str  # "ValueError: bad input 1", raised by get() in the parent
    remote_traceback: str  # the worker's traceback, attached as __cause__
    successful: bool
    callback_calls: int  # calls of the success callback
    error_callback_args: tuple  # what error_callback received
    map_raised: str  # map_async over inputs of which one fails
    map_callback_calls: int
    map_error_callback_calls: int
    workers_before: frozenset[int]  # pids of the pool's processes before the failures
    workers_after: frozenset[int]  # ...and after them
    after: tuple  # a map() run on the pool after the failures
    timeline: Timeline


@example()
def task_exception(ctx=None) -> TaskError:
    """A task raises: what ``get()``, ``successful()`` and the callbacks see."""
    ctx = context(ctx)
    with recording() as rec:
        before = set(multiprocessing.active_children())
        with _pool(ctx, 2, Setup(rec)) as pool:
            workers_before = frozenset(p.pid for p in _new_children(before))
            ok, errors = [], []
            failed = pool.apply_async(fail, (1,), callback=ok.append, error_callback=errors.append)
            try:
                failed.get(TIMEOUT)
                raised, remote = "nothing", ""
            except ValueError as e:
                raised, remote = f"{type(e).__name__}: {e}", str(e.__cause__)
                rec.say(f"get() 抛出 {raised}", en=f"get() raised {raised}")
            map_ok, map_errors = [], []
            mapped = pool.map_async(
                fail_on_two, [1, 2, 3], callback=map_ok.append, error_callback=map_errors.append
            )
            try:
                mapped.get(TIMEOUT)
                map_raised = "nothing"
            except ValueError as e:
                map_raised = f"{type(e).__name__}: {e}"
            after = tuple(pool.map_async(calculator, [1, 2, 3]).get(TIMEOUT))
            workers_after = frozenset(p.pid for p in _new_children(before))
            pool.close()
            _join_pool(pool)
        return TaskError(
            raised,
            remote,
            failed.successful(),
            len(ok),
            tuple(f"{type(a).__name__}: {a}" for a in errors),
            map_raised,
            len(map_ok),
            len(map_errors),
            workers_before,
            workers_after,
            after,
            rec.events(),
        )


def fail_on_two(x: int) -> int:
    """A task that raises for the input 2 and cubes any other."""
    if x == 2:
        return fail(x)
    return calculator(x)


# --8<-- [end:task_exception]


# ===========================================================================
# close / join / terminate, misuse, and `with Pool()`
# ===========================================================================


# --8<-- [start:misuse]


def pool_misuse(ctx=None) -> dict[str, str]:
    """What a pool says to each common mistake: ``{mistake: "Error: message"}``."""
    ctx = context(ctx)
    out = {
        "Pool(0)": error_of(lambda: ctx.Pool(0)),
        "Pool(maxtasksperchild=0)": error_of(lambda: ctx.Pool(1, maxtasksperchild=0)),
    }
    with ctx.Pool(1) as pool:
        out["join() before close()"] = error_of(pool.join)
        pool.close()
        out["apply_async() after close()"] = error_of(lambda: pool.apply_async(abs, (-1,)))
        out["map() after close()"] = error_of(lambda: pool.map(abs, [-1]))
        _join_pool(pool)
    pool.terminate()
    out["apply() after terminate()"] = error_of(lambda: pool.apply(abs, (-1,)))
    return out


def unpicklable_task(ctx=None) -> tuple[str, str]:
    """Submit a lambda to a pool: (what ``apply_async`` raised, what ``get()`` raised)."""
    ctx = context(ctx)
    with ctx.Pool(1) as pool:
        try:
            pending = pool.apply_async(lambda x: x * x, (3,))
            at_call = "no error"
        except Exception as e:
            return f"{type(e).__name__}: {e}", ""
        at_get = error_of(lambda: pending.get(TIMEOUT))
        pool.close()
        _join_pool(pool)
    return at_call, at_get


# --8<-- [end:misuse]


# --8<-- [start:with_exit]
@dataclass(frozen=True)
class WithExit:
    close_first: bool  # close() and join() inside the block before leaving it
    values: tuple  # per task: its value, or "TimeoutError" if get() never got one
    callbacks: tuple  # the values the callback received
    exitcodes: tuple[int, ...]  # of the worker processes once the block is left
    timeline: Timeline


@example()
def with_block_exit(ctx=None, close_first: bool = False, tasks: int = 2) -> WithExit:
    """Leave ``with Pool() as pool:`` while ``tasks`` async tasks are still running.

    The tasks are held at their gate until the block has been left (or, with
    ``close_first``, let go and waited for with ``close()`` + ``join()`` inside it).
    """
    ctx = context(ctx)
    with recording() as rec:
        gate, started = ctx.Event(), ctx.Semaphore(0)
        inputs = range(1, tasks + 1)
        setup = Setup(rec, gates={x: gate for x in inputs}, started=started)
        seen = []
        before = set(multiprocessing.active_children())
        with _pool(ctx, tasks, setup) as pool:
            workers = _new_children(before)
            pending = [pool.apply_async(calculator, (x,), callback=seen.append) for x in inputs]
            for _ in inputs:  # every task is running (and held) before we go on
                if not started.acquire(timeout=TIMEOUT):
                    raise TimeoutError("a task did not start")
            if close_first:
                gate.set()
                pool.close()
                with rec.span("blocked", "join()"):
                    _join_pool(pool)
            rec.say("离开 with 块", en="leaving the with block")
        rec.say("with 块已结束", en="the with block has ended")
        # No gate.set() now: a process killed while waiting on a multiprocessing Event
        # never leaves its condition, and set() would wait for it forever.
        values = []
        for p in pending:
            try:
                values.append(p.get(0.2))
            except multiprocessing.TimeoutError:
                values.append("TimeoutError")
        rec.say(f"各任务的 get(0.2): {values}", en=f"get(0.2) of each task: {values}")
        return WithExit(
            close_first,
            tuple(values),
            tuple(seen),
            tuple(w.exitcode for w in workers),
            rec.events(),
        )


# --8<-- [end:with_exit]


# ===========================================================================
# The args tuple and its comma
# ===========================================================================


# --8<-- [start:args_comma]
@dataclass(frozen=True)
class ArgsCase:
    written: str  # the args as written in the program
    at_call: str  # what apply_async() itself raised
    at_get: str  # what get() returned or raised
    callback_called: bool  # whether a callback-only program would have printed anything


@dataclass(frozen=True)
class ArgsCases:
    cases: tuple[ArgsCase, ...]
    timeline: Timeline


# (as written, the task, the value `args` really is: without the comma, no tuple)
CASES = (
    ("args=(3)", calculator, 3),
    ("args=(3,)", calculator, (3,)),
    ("args=('ab')", shout, "ab"),
    ("args=('ab',)", shout, ("ab",)),
    ("args=('a')", shout, "a"),
)


@example()
def args_without_comma(ctx=None) -> ArgsCases:
    """Call ``apply_async`` with and without the comma that makes ``args`` a tuple."""
    ctx = context(ctx)
    with recording() as rec:
        out = []
        with _pool(ctx, 1, Setup(rec)) as pool:
            for written, task, args in CASES:
                called = []
                try:
                    pending = pool.apply_async(task, args=args, callback=called.append)
                except Exception as e:
                    out.append(ArgsCase(written, f"{type(e).__name__}: {e}", "", False))
                    continue
                try:
                    at_get = repr(pending.get(TIMEOUT))
                except Exception as e:
                    at_get = f"{type(e).__name__}: {e}"
                rec.say(f"{written}: get() → {at_get}", en=f"{written}: get() → {at_get}")
                out.append(ArgsCase(written, "no error", at_get, bool(called)))
            pool.close()
            _join_pool(pool)
        return ArgsCases(tuple(out), rec.events())


# --8<-- [end:args_comma]


# ===========================================================================
# Callbacks: where, with what, in which order, and what a slow or failing one does
# ===========================================================================


# --8<-- [start:who_calls_back]
@dataclass(frozen=True)
class CallbackCall:
    kind: str  # "apply_async", "map_async" or "error_callback"
    pid: int  # the process that ran the callback
    thread: str  # the thread that ran it
    main_thread: bool
    nargs: int  # how many positional arguments it was given
    argument: str  # repr of the argument (of the first, if several)


@dataclass(frozen=True)
class CallbackSite:
    parent_pid: int
    task_pids: frozenset[int]  # the worker processes that ran the tasks
    calls: tuple[CallbackCall, ...]
    timeline: Timeline


@example()
def who_calls_back(ctx=None) -> CallbackSite:
    """Record, inside each callback, which process and thread run it, with what arguments."""
    ctx = context(ctx)
    with recording() as rec:
        calls = []

        def recorder_of(kind: str):
            def callback(*args):
                me = threading.current_thread()
                with rec.span("running", f"{kind} callback"):
                    name = kind if kind == "error_callback" else f"{kind} callback"
                    rec.say(
                        f"{name} 收到 {len(args)} 个参数 {args[0]!r}，所在线程: {me.name}",
                        en=f"{name} got {len(args)} argument(s), {args[0]!r}, in thread {me.name}",
                    )
                    calls.append(
                        CallbackCall(
                            kind,
                            os.getpid(),
                            me.name,
                            me is threading.main_thread(),
                            len(args),
                            repr(args[0]) if args else "",
                        )
                    )

            return callback

        with _pool(ctx, 2, Setup(rec)) as pool:
            pool.apply_async(calculator, (1,), callback=recorder_of("apply_async"))
            pool.apply_async(
                fail,
                (2,),
                callback=recorder_of("apply_async"),
                error_callback=recorder_of("error_callback"),
            )
            pool.map_async(calculator, [1, 2, 3], callback=recorder_of("map_async"))
            pool.close()
            with rec.span("blocked", "join()"):
                _join_pool(pool)
        timeline = rec.events()
        task_pids = frozenset(e.pid for e in timeline if e.text.startswith("calculator("))
        return CallbackSite(os.getpid(), task_pids, tuple(calls), timeline)


# --8<-- [end:who_calls_back]


# --8<-- [start:callback_order]
@dataclass(frozen=True)
class CallbackOrder:
    submitted: tuple[int, ...]  # inputs in the order apply_async was called
    callbacks: tuple[int, ...]  # results in the order the callback received them
    timeline: Timeline


@example()
def callback_order(ctx=None, release: tuple[int, ...] = (3, 1, 2)) -> CallbackOrder:
    """Submit tasks in input order, make them finish in ``release`` order, watch the callbacks."""
    ctx = context(ctx)
    with recording() as rec:
        gates = {x: ctx.Event() for x in release}
        called = {x**3: threading.Event() for x in release}  # by the value the callback gets
        order = []

        def callback(value: int) -> None:
            rec.say(f"回调: {value}", en=f"callback: {value}")
            order.append(value)
            called[value].set()

        submitted = tuple(sorted(release))
        with _pool(ctx, len(release), Setup(rec, gates=gates)) as pool:
            for x in submitted:
                pool.apply_async(calculator, (x,), callback=callback)
            for x in release:
                gates[x].set()
                if not called[x**3].wait(TIMEOUT):
                    raise TimeoutError(f"no callback for {x}")
            pool.close()
            _join_pool(pool)
        return CallbackOrder(submitted, tuple(order), rec.events())


# --8<-- [end:callback_order]


# --8<-- [start:slow_callback]
@dataclass(frozen=True)
class SlowCallback:
    computed_while_slow: bool  # the second task had finished computing in its worker
    get_timed_out: bool  # ...yet get(check) on it timed out while the first callback ran
    ready_while_slow: bool
    value_after: int  # get() once the slow callback returned
    timeline: Timeline

    def callback_spans(self):
        return {s.text: s for s in self.timeline.spans() if s.text.startswith("callback(")}


@example(check=0.3)
def slow_callback(ctx=None, check: float = 1.0) -> SlowCallback:
    """A callback that does not return holds up every other result of the pool.

    The first task's callback waits for an event that the main process sets only
    after it has checked on the second task (computed, yet not delivered).
    """
    ctx = context(ctx)
    with recording() as rec:
        entered, release = threading.Event(), threading.Event()
        finished = ctx.Semaphore(0)

        def slow(value):
            with rec.span("running", f"callback({value})"):
                rec.say(f"慢回调收到 {value}，开始等待", en=f"slow callback got {value}, waits")
                entered.set()
                release.wait(TIMEOUT)
                rec.say("慢回调返回", en="slow callback returns")

        def fast(value):
            with rec.span("running", f"callback({value})"):
                rec.say(f"快回调收到 {value}", en=f"fast callback got {value}")

        with _pool(ctx, 2, Setup(rec, finished=finished)) as pool:
            try:
                pool.apply_async(calculator, (1,), callback=slow)
                if not entered.wait(TIMEOUT):
                    raise TimeoutError("the first callback never started")
                second = pool.apply_async(calculator, (2,), callback=fast)
                # `finished` is released once by each task: the first, then the second
                computed = finished.acquire(timeout=TIMEOUT) and finished.acquire(timeout=TIMEOUT)
                rec.say("第二个任务已算完", en="the second task has computed its value")
                try:
                    with rec.span("blocked", f"get({check})"):
                        second.get(check)
                    timed_out = False
                except multiprocessing.TimeoutError:
                    timed_out = True
                    rec.say(f"它的 get({check}) 超时", en=f"its get({check}) timed out")
                ready = second.ready()
            finally:
                release.set()
            with rec.span("blocked", "get()"):
                value = second.get(TIMEOUT)
            rec.say(f"get() 取回 {value}", en=f"get() returned {value}")
            pool.close()
            _join_pool(pool)
        return SlowCallback(computed, timed_out, ready, value, rec.events())


# --8<-- [end:slow_callback]


# --8<-- [start:failing_callback]
@dataclass(frozen=True)
class FailingCallback:
    kind: str  # "raises" or "two-args" (a callback that wants two arguments)
    died: str  # the thread the exception killed
    error: str  # the exception that reached threading.excepthook
    first_timed_out: bool  # get() of the task whose callback failed
    second_computed: bool  # a later task computed its value in a worker...
    second_timed_out: bool  # ...but get() on it timed out: nobody delivers results any more
    join_blocked: bool  # close() + join() had not returned after `check` seconds
    terminate_error: str  # what terminate() raised
    timeline: Timeline


def _bad_callback(value):
    raise RuntimeError(f"callback failed on {value}")


def _two_arg_callback(value, extra):  # a pool calls callbacks with one argument
    pass


@example(check=0.3)
def failing_callback(ctx=None, kind: str = "raises", check: float = 1.0) -> FailingCallback:
    """A callback raises (or takes the wrong number of arguments): what the pool does next.

    Python 3.11 to 3.15 (gh-83371): the exception ends the parent's result-handler
    thread. The example catches it with ``threading.excepthook``, shows each
    consequence with a timeout, and cleans up the workers that ``terminate()``
    can no longer stop.
    """
    callbacks = {"raises": _bad_callback, "two-args": _two_arg_callback}
    if kind not in callbacks:
        raise ValueError(f"kind must be one of {sorted(callbacks)}, not {kind!r}")
    ctx = context(ctx)
    with recording() as rec:
        caught, hook_called = [], threading.Event()

        def hook(args):
            caught.append((args.thread.name if args.thread else "?", args.exc_value))
            rec.say(
                f"线程 {caught[-1][0]} 因 {type(args.exc_value).__name__} 结束",
                en=f"thread {caught[-1][0]} died of {type(args.exc_value).__name__}",
            )
            hook_called.set()

        old_hook, threading.excepthook = threading.excepthook, hook
        finished = ctx.Semaphore(0)
        before = set(multiprocessing.active_children())
        pool = _pool(ctx, 2, Setup(rec, finished=finished))
        workers = _new_children(before)
        joiner = threading.Thread(target=pool.join, name="pool-join")
        try:
            first = pool.apply_async(calculator, (1,), callback=callbacks[kind])
            if not hook_called.wait(TIMEOUT):
                raise TimeoutError("the callback was never called")
            first_timed_out = _times_out(first, check)
            rec.say(
                f"第一个任务 get({check}) 超时: {first_timed_out}",
                en=f"first task: get({check}) timed out: {first_timed_out}",
            )
            second = pool.apply_async(calculator, (2,))
            # `finished` is released once by each task: the first, then the second
            second_computed = bool(finished.acquire(timeout=TIMEOUT)) and bool(
                finished.acquire(timeout=TIMEOUT)
            )
            second_timed_out = _times_out(second, check)
            rec.say(
                f"第二个任务算完了，get({check}) 超时: {second_timed_out}",
                en=f"second task computed; get({check}) timed out: {second_timed_out}",
            )
            pool.close()
            joiner.start()
            joiner.join(check)
            join_blocked = joiner.is_alive()
            rec.say(
                f"close() 之后 join() 仍在阻塞: {join_blocked}",
                en=f"join() after close() still blocked: {join_blocked}",
            )
            terminate_error = error_of(pool.terminate)
            rec.say(
                f"terminate() 抛出 {terminate_error}", en=f"terminate() raised {terminate_error}"
            )
        finally:
            error_of(pool.terminate)  # a no-op once terminate() has run, even if it raised
            for w in workers:  # the workers terminate() did not get to; no is_alive() here:
                w.terminate()  # the joiner thread may be reaping them at this very moment
            if joiner.ident is not None:  # started: it returns once the workers are gone
                joiner.join(TIMEOUT)
            join_all(workers)
            threading.excepthook = old_hook
        died, error = caught[0]
        return FailingCallback(
            kind,
            died,
            f"{type(error).__name__}: {error}",
            first_timed_out,
            second_computed,
            second_timed_out,
            join_blocked,
            terminate_error,
            rec.events(),
        )


def _times_out(pending, seconds: float) -> bool:
    try:
        pending.get(seconds)
    except multiprocessing.TimeoutError:
        return True
    return False


# --8<-- [end:failing_callback]


# ===========================================================================
# 例 3-10, and what the chapter says about it
# ===========================================================================


# --8<-- [start:example_3_10]
@dataclass(frozen=True)
class AsyncPool:
    third: int | None  # the value get() returned for the third task (None: not asked)
    callbacks: tuple  # the arguments the callback received, in the order it ran
    parent_pid: int
    worker_pids: frozenset[int]  # the processes that ran calculator
    worker_names: frozenset[str]
    timeline: Timeline


@example("例 3-10")
def async_pool(
    ctx=None,
    tasks: tuple[int, int, int] = (1, 2, 3),
    processes: int = 4,
    wait_for_third: bool = True,
    hold: tuple[int, ...] = (),
    main_waits: bool = False,
) -> AsyncPool:
    """例 3-10: three ``apply_async`` calls (two with a callback), then one ``map_async``.

    Args:
        tasks: the three inputs.
        processes: the size of the pool (the chapter: 4).
        wait_for_third: ask the third task for its value with ``get()`` before
            announcing ``map_async`` (the chapter's first run; ``False`` is its
            second run, with that line commented out).
        hold: inputs whose computation waits until the main process has
            announced ``map_async`` — forces the workers to be late.
        main_waits: the main process waits until the three ``apply_async``
            tasks have computed before announcing ``map_async`` — forces it to
            be late.

    The chapter's ``get(timeout=1)`` becomes ``get(TIMEOUT)``: one second is
    not always enough for four workers to start under ``spawn`` on a busy machine.
    """
    if len(tasks) != 3:
        raise ValueError("例 3-10 has three tasks")
    if main_waits and hold:
        raise ValueError("main_waits with hold: main would wait for tasks that wait for main")
    if wait_for_third and tasks[2] in hold:
        raise ValueError("the third task cannot be held while main waits for its value")
    if (wait_for_third or main_waits) and processes <= len(set(hold) & set(tasks)):
        raise ValueError("held tasks would occupy every worker")
    ctx = context(ctx)
    with recording() as rec:
        gate = ctx.Event()
        finished = ctx.Semaphore(0)
        seen = []

        def show(result):  # the chapter's callback_print
            with rec.span("running", f"callback({result})"):
                seen.append(result)
                rec.say(f"回调函数收到结果: {result}", en=f"callback got the result: {result}")

        setup = Setup(rec, gates={x: gate for x in hold}, finished=finished)
        with _pool(ctx, processes, setup) as pool:
            rec.say("apply_async:")
            pool.apply_async(calculator, (tasks[0],), callback=show)
            pool.apply_async(calculator, (tasks[1],), callback=show)
            third_result = pool.apply_async(calculator, (tasks[2],))
            third = None
            if wait_for_third:
                with rec.span("blocked", "get()"):
                    third = third_result.get(TIMEOUT)
                rec.say(f"没有回调, get() 取回: {third}", en=f"no callback, get() returned {third}")
            if main_waits:
                with rec.span("blocked", "main is busy"):
                    for _ in tasks:
                        if not finished.acquire(timeout=TIMEOUT):
                            raise TimeoutError("an apply_async task did not finish")
            rec.say("map_async:")
            gate.set()
            pool.map_async(calculator, tasks, callback=show)
            pool.close()
            with rec.span("blocked", "join()"):
                _join_pool(pool)
            rec.mark("join() 返回", en="join() returned")
        timeline = rec.events()
        workers = [e for e in timeline if e.text.startswith("calculator(")]
        return AsyncPool(
            third,
            tuple(seen),
            os.getpid(),
            frozenset(e.pid for e in workers),
            frozenset(e.lane for e in workers),
            timeline,
        )


@example("例 3-10（无 get）")
def async_pool_without_get(ctx=None, processes: int = 4) -> AsyncPool:
    """例 3-10 with the ``get()`` line commented out, the workers held until main is done.

    Holding every task until the main process has announced ``map_async`` gives,
    on every run, the order of the chapter's second listing.
    """
    return async_pool(ctx, processes=processes, wait_for_third=False, hold=(1, 2, 3))


# --8<-- [end:example_3_10]


# --8<-- [start:without_join]
def _program(rec: Recorder, gate, join: bool, method: str) -> None:
    """The end of 例 3-10 as a whole program: map_async with a callback, close(), maybe join()."""
    ctx = multiprocessing.get_context(method)

    def show(result):
        rec.say(f"回调函数收到结果: {result}", en=f"callback got the result: {result}")

    pool = ctx.Pool(2, initializer=init_worker, initargs=(Setup(rec, gates={1: gate}),))
    rec.say("map_async:")
    pool.map_async(calculator, [1, 2, 3], callback=show)
    pool.close()
    if join:
        with rec.span("blocked", "join()"):
            _join_pool(pool)
    rec.say("程序到达末尾", en="the program reaches its end")


@dataclass(frozen=True)
class ProgramEnd:
    join: bool
    exitcode: int | None  # of the program
    callback_ran: bool
    timeline: Timeline


@example()
def program_end(ctx=None, join: bool = False) -> ProgramEnd:
    """Run the chapter's program in a process of its own, with or without ``join()``.

    The task for 1 is held at a gate that opens only once the program has ended
    (without join) or right away (with join): the first case is the one in which
    a result is still pending when the program reaches its last line.
    """
    ctx = context(ctx)
    with recording() as rec:
        gate = ctx.Event()
        program = ctx.Process(
            target=_program, args=(rec, gate, join, ctx.get_start_method()), name="program"
        )
        program.start()
        if join:
            gate.set()
        join_all([program])
        rec.mark("程序进程已退出", en="the program's process has exited")
        # Without join, the gate stays shut: its waiters were killed, set() would hang.
        timeline = rec.events()
        ran = any(e.kind == "say" and e.text.startswith("回调") for e in timeline)
        return ProgramEnd(join, program.exitcode, ran, timeline)


# --8<-- [end:without_join]


# ===========================================================================
# Beyond the chapter: is async "more efficient"?
# ===========================================================================


# --8<-- [start:sync_vs_async]
@dataclass(frozen=True)
class SyncVsAsync:
    seconds: dict[str, float]  # wall time of each way of running the same tasks
    overlap: dict[str, int]  # the most tasks that ran at the same moment, per way
    main_worked_meanwhile: bool  # main's own work overlapped the map_async tasks
    timeline: Timeline


MODES = ("apply", "apply_async", "map", "map_async")


@example(seconds=0.05)
def sync_vs_async(
    ctx=None, processes: int = 4, tasks: int = 4, seconds: float = 0.2
) -> SyncVsAsync:
    """The same ``tasks`` tasks of ``seconds`` each, run four ways on one pool.

    ``apply`` in a loop; ``apply_async`` for all, then ``get``; ``map``; and
    ``map_async`` while the main process does ``seconds`` of its own work.
    """
    ctx = context(ctx)
    with recording() as rec:
        barrier = ctx.Barrier(processes + 1)
        times = {}
        with _pool(ctx, processes, Setup(rec, barrier=barrier)) as pool:
            barrier.wait(TIMEOUT)  # every worker is up and idle
            start = time.monotonic()
            with rec.span("blocked", "apply() ×n"):
                for _ in range(tasks):
                    pool.apply(work, ("apply", seconds))
            times["apply"], start = time.monotonic() - start, time.monotonic()
            with rec.span("blocked", "apply_async() ×n, get()"):
                pending = [pool.apply_async(work, ("apply_async", seconds)) for _ in range(tasks)]
                for p in pending:
                    p.get(TIMEOUT)
            times["apply_async"], start = time.monotonic() - start, time.monotonic()
            with rec.span("blocked", "map()"):
                pool.map(functools.partial(work, "map"), [seconds] * tasks, 1)
            times["map"], start = time.monotonic() - start, time.monotonic()
            mapped = pool.map_async(functools.partial(work, "map_async"), [seconds] * tasks, 1)
            rec.sleep(seconds, "main's own work")
            with rec.span("blocked", "get()"):
                mapped.get(TIMEOUT)
            times["map_async"] = time.monotonic() - start
            pool.close()
            _join_pool(pool)
        timeline = rec.events()
        own = next(s for s in timeline.spans() if s.text == "main's own work")
        meanwhile = any(
            s.text == "map_async" and s.start < own.end and own.start < s.end
            for s in timeline.spans()
        )
        overlap = {m: timeline.max_overlap("waiting", m) for m in MODES}
        for m in MODES:
            rec.say(
                f"{m}: {times[m]:.2f} 秒，同时运行的任务最多 {overlap[m]} 个",
                en=f"{m}: {times[m]:.2f} s, most tasks running at once: {overlap[m]}",
            )
        return SyncVsAsync(times, overlap, meanwhile, rec.events())


# --8<-- [end:sync_vs_async]


# ===========================================================================
# Beyond the chapter: concurrent.futures.ProcessPoolExecutor
# ===========================================================================


# --8<-- [start:executor]
@dataclass(frozen=True)
class DoneCallback:
    thread: str  # the thread that ran it
    thread_class: str  # its class: the executor's manager thread, or _MainThread
    pid: int
    argument: str  # the type of its one argument


@dataclass(frozen=True)
class ExecutorWork:
    workers_at_creation: int  # processes the executor had started before the first submit
    result_timeout: str  # what result(timeout) raised on a task still held
    completion: tuple[int, ...]  # as_completed: results in the order the tasks finished
    mapped: tuple[int, ...]  # Executor.map, whose tasks finished in reverse
    callbacks: tuple[DoneCallback, ...]  # done-callbacks added before the futures finished
    late_callback: DoneCallback  # one added to a future already done
    parent_pid: int
    timeline: Timeline


@example()
def executor_same_work(ctx=None, release: tuple[int, ...] = (3, 1, 2)) -> ExecutorWork:
    """The chapter's cubes with ``ProcessPoolExecutor``: submit, as_completed, map, callbacks."""
    ctx = context(ctx)
    with recording() as rec:
        later = tuple(x + 10 for x in release)  # inputs of the map phase
        gates = {x: ctx.Event() for x in (*release, *later)}
        finished = ctx.Semaphore(0)
        calls = []

        def on_done(future: Future) -> None:
            me = threading.current_thread()
            calls.append(
                DoneCallback(me.name, type(me).__name__, os.getpid(), type(future).__name__)
            )
            rec.say(
                f"done-callback 收到 {type(future).__name__}，结果 {future.result()}，在 {me.name}",
                en=f"done-callback got a {type(future).__name__}, result {future.result()}, "
                f"in {me.name}",
            )

        setup = Setup(rec, gates=gates, finished=finished)
        before = set(multiprocessing.active_children())
        with ProcessPoolExecutor(
            len(release), mp_context=ctx, initializer=init_worker, initargs=(setup,)
        ) as executor:
            at_creation = len(_new_children(before))
            futures = [executor.submit(calculator, x) for x in sorted(release)]
            for f in futures:
                f.add_done_callback(on_done)
            try:
                futures[0].result(timeout=0.1)
                result_timeout = "no error"
            except TimeoutError as e:  # concurrent.futures.TimeoutError is the built-in one
                result_timeout = f"{type(e).__module__}.{type(e).__qualname__}"
            completion = []
            finishing = as_completed(futures, timeout=TIMEOUT)
            for x in release:  # let one task go, take the next finished future
                gates[x].set()
                completion.append(next(finishing).result())
                rec.say(f"as_completed 给出 {completion[-1]}", en=f"as_completed: {completion[-1]}")
                finished.acquire(timeout=TIMEOUT)  # (each task releases it once)
            late = []
            futures[0].add_done_callback(
                lambda f: late.append(
                    DoneCallback(
                        threading.current_thread().name,
                        type(threading.current_thread()).__name__,
                        os.getpid(),
                        type(f).__name__,
                    )
                )
            )
            results = executor.map(calculator, sorted(later), timeout=TIMEOUT)
            for x in sorted(later, reverse=True):  # the map's tasks finish in reverse
                gates[x].set()
                if not finished.acquire(timeout=TIMEOUT):
                    raise TimeoutError(f"task {x} did not finish")
            mapped = tuple(results)
            rec.say(f"map 给出 {list(mapped)}", en=f"map: {list(mapped)}")
        return ExecutorWork(
            at_creation,
            result_timeout,
            tuple(completion),
            mapped,
            tuple(calls),
            late[0],
            os.getpid(),
            rec.events(),
        )


# --8<-- [end:executor]


# --8<-- [start:executor_shutdown]
@dataclass(frozen=True)
class ExecutorShutdown:
    how: str  # "with" (leave the with block) or "cancel" (shutdown(cancel_futures=True))
    outcomes: tuple  # per task, in submission order: its value or "cancelled"
    submit_after: str  # what submit() raised after shutdown
    timeline: Timeline


@example(seconds=0.1)
def executor_shutdown(
    ctx=None, how: str = "with", tasks: int = 6, seconds: float = 0.3
) -> ExecutorShutdown:
    """How an executor ends: ``with`` waits for every task; ``cancel_futures`` drops the queued.

    ``how="with"``: ``tasks`` tasks of ``seconds`` each on two workers, and the
    ``with`` block left at once. ``how="cancel"``: ``tasks`` tasks held at one
    gate on one worker, and ``shutdown(wait=True, cancel_futures=True)``; the
    gate opens when the last future is cancelled.
    """
    if how not in ("with", "cancel"):
        raise ValueError(f"how must be 'with' or 'cancel', not {how!r}")
    ctx = context(ctx)
    with recording() as rec:
        gate = ctx.Event()
        setup = Setup(rec, gates={x: gate for x in range(tasks)})
        workers = 2 if how == "with" else 1
        executor = ProcessPoolExecutor(
            workers, mp_context=ctx, initializer=init_worker, initargs=(setup,)
        )
        try:
            if how == "with":
                with executor:
                    futures = [executor.submit(work, "task", seconds) for _ in range(tasks)]
                    rec.say("离开 with 块", en="leaving the with block")
            else:
                futures = [executor.submit(calculator, x) for x in range(tasks)]
                futures[-1].add_done_callback(lambda f: gate.set())
                with rec.span("blocked", "shutdown(cancel_futures=True)"):
                    executor.shutdown(wait=True, cancel_futures=True)
            rec.say("关闭完成", en="shut down")
        finally:
            gate.set()
            executor.shutdown(wait=True)
        submit_after = error_of(lambda: executor.submit(calculator, 1))
        outcomes = tuple("cancelled" if f.cancelled() else f.result(TIMEOUT) for f in futures)
        cancelled = outcomes.count("cancelled")
        rec.say(
            f"完成 {len(outcomes) - cancelled} 个任务，取消 {cancelled} 个",
            en=f"{len(outcomes) - cancelled} tasks completed, {cancelled} cancelled",
        )
        rec.say(f"关闭之后 submit(): {submit_after}", en=f"submit() after shutdown: {submit_after}")
        return ExecutorShutdown(how, outcomes, submit_after, rec.events())


@example()
def executor_cancel(ctx=None, tasks: int = 6) -> ExecutorShutdown:
    """``shutdown(cancel_futures=True)`` with ``tasks`` tasks queued for one held worker."""
    return executor_shutdown(ctx, how="cancel", tasks=tasks)


# --8<-- [end:executor_shutdown]


# --8<-- [start:executor_errors]
@dataclass(frozen=True)
class ExecutorErrors:
    raised: str  # what result() raised for a failing task
    remote_traceback: str  # its __cause__: the worker's traceback
    exception: str  # what exception() returned for it
    value_despite_callback: int  # result() of a future whose done-callback raised
    later_callback_ran: bool  # the next done-callback of that future still ran
    logged: tuple[str, ...]  # what the "concurrent.futures" logger reported
    next_task: int  # a task submitted afterwards
    timeline: Timeline


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__()
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        kind = type(record.exc_info[1]).__name__ if record.exc_info else ""
        self.records.append(f"{record.getMessage().split(' for ')[0]} ({kind})")


@example()
def executor_errors(ctx=None) -> ExecutorErrors:
    """A failing task and a failing done-callback under ``ProcessPoolExecutor``."""
    ctx = context(ctx)
    logger, capture = logging.getLogger("concurrent.futures"), _Capture()
    logger.addHandler(capture)
    propagate, logger.propagate = logger.propagate, False
    try:
        with recording() as rec:
            later_ran = threading.Event()

            def broken(future):
                raise RuntimeError("done-callback failed")

            with ProcessPoolExecutor(
                2, mp_context=ctx, initializer=init_worker, initargs=(Setup(rec),)
            ) as executor:
                failed = executor.submit(fail, 1)
                exception = failed.exception(TIMEOUT)
                try:
                    failed.result(TIMEOUT)
                    raised, remote = "nothing", ""
                except ValueError as e:
                    raised, remote = f"{type(e).__name__}: {e}", str(e.__cause__)
                future = executor.submit(calculator, 2)
                future.add_done_callback(broken)
                future.add_done_callback(lambda f: later_ran.set())
                rec.say(f"result() 抛出 {raised}", en=f"result() raised {raised}")
                value = future.result(TIMEOUT)
                ran = later_ran.wait(TIMEOUT)
                rec.say(
                    f"回调出错之后 result() = {value}，下一个回调照常运行: {ran}",
                    en=f"after the failing callback, result() = {value}; next callback ran: {ran}",
                )
                next_task = executor.submit(calculator, 3).result(TIMEOUT)
            return ExecutorErrors(
                raised,
                remote,
                f"{type(exception).__name__}: {exception}",
                value,
                ran,
                tuple(capture.records),
                next_task,
                rec.events(),
            )
    finally:
        logger.removeHandler(capture)
        logger.propagate = propagate


# --8<-- [end:executor_errors]


if __name__ == "__main__":
    main("process_pool")
