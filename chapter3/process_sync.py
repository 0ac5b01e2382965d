"""§3.3.3 Process synchronisation: semaphores, locks, producer–consumer and the classic models.

Every function here runs real processes and returns what happened, with a
timeline recorded from inside each process. The number of processes inside a
critical section at any moment is *measured* from that timeline (spans are
recorded strictly between ``acquire`` and ``release``), never assumed.
Interleavings that matter are forced on purpose with barriers and events, so
that a claim holds in every run rather than in a lucky one.

``python -m chapter3.process_sync`` prints what each example's program would
print (``--quick`` for short sleeps).
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

from chapter3.runner import example, main
from chapter3.timeline import Recorder, Timeline, recording
from chapter3.waiting import TIMEOUT, context, join_all

ROOT = Path(__file__).resolve().parent.parent


def _acquire(sem, timeout: float = TIMEOUT) -> None:
    """``sem.acquire`` that gives up with ``TimeoutError`` instead of hanging."""
    if not sem.acquire(timeout=timeout):
        raise TimeoutError(f"could not acquire {sem!r} within {timeout} s")


def _value(sem) -> int | None:
    """A semaphore's counter, or None where the platform cannot read it (macOS)."""
    try:
        return sem.get_value()
    except NotImplementedError:
        return None


def holders_over_time(timeline: Timeline, state: str, text: str) -> list[int]:
    """How many lanes are inside a span (state, text), after each entry and exit, in order.

    ``max(holders_over_time(...))`` equals ``timeline.max_overlap(state, text)``;
    the whole list is the count "at every moment" (it only changes at these edges).
    """
    edges = []
    for s in timeline.spans():
        if s.state == state and s.text == text:
            edges += [(s.start, 1), (s.end, -1)]
    depth, out = 0, []
    for _, step in sorted(edges, key=lambda x: (x[0], x[1])):  # exits first on ties
        depth += step
        out.append(depth)
    return out


def overlaps(a, b) -> bool:
    """Whether two spans share a moment (touching ends do not count)."""
    return a.start < b.end and b.start < a.end


# ---------------------------------------------------------------------------
# 1. Semaphores (例 3-7)
# ---------------------------------------------------------------------------


# --8<-- [start:semaphore]
def _take_a_permit(rec: Recorder, sem, i: int, hold: tuple[float, float], start_line) -> None:
    start_line.wait(TIMEOUT)  # everybody asks for a permit at the same moment
    with rec.span("blocked", "sem.acquire"):
        _acquire(sem)
    try:
        rec.say(f"{i} 拿到了信号量", en=f"{i} got a permit")
        with rec.span("waiting", "holding a permit"):  # strictly inside the critical section
            time.sleep(random.uniform(*hold))
    finally:
        sem.release()
    rec.say(f"{i} 交还了信号量", en=f"{i} gave its permit back")  # printed after release


@dataclass(frozen=True)
class SemaphoreRun:
    """A run of 例 3-7: who was served when, and how many held a permit at once."""

    permits: int
    processes: int
    served: tuple[int, ...]  # the processes in the order they got a permit
    holders: tuple[int, ...]  # processes holding a permit, after every entry and exit
    max_holders: int  # measured from the timeline
    exitcodes: tuple[int, ...]
    timeline: Timeline


@example("例 3-7", hold=(0.05, 0.15))
def semaphore_demo(
    ctx=None, permits: int = 1, n: int = 4, hold: tuple[float, float] = (1.0, 5.0)
) -> SemaphoreRun:
    """``n`` processes share a semaphore of ``permits``; each holds a permit ``hold`` seconds.

    The defaults are the chapter's first run (one permit, the four processes of
    its output, 1–5 s of random work). All processes wait at a start line and
    ask at once, so the order in which they are served is not their creation
    order.

    Raises:
        ValueError: ``permits`` < 1 or ``n`` < 1 (``multiprocessing.Semaphore(-1)``
            itself fails with an unhelpful ``OSError``).
    """
    if permits < 1 or n < 1:
        raise ValueError(f"need permits >= 1 and n >= 1, got permits={permits}, n={n}")
    ctx = context(ctx)
    with recording() as rec:
        sem, start_line = ctx.Semaphore(permits), ctx.Barrier(n)
        procs = [
            ctx.Process(target=_take_a_permit, args=(rec, sem, i, hold, start_line), name=f"p{i}")
            for i in range(n)
        ]
        for p in procs:
            p.start()
        join_all(procs)
        timeline = rec.events()
        holders = holders_over_time(timeline, "waiting", "holding a permit")
        rec.say(
            f"同一时刻最多有 {max(holders)} 个进程持有信号量",
            en=f"at most {max(holders)} processes held a permit at the same moment",
        )
        timeline = rec.events()
    holding = sorted(
        (s for s in timeline.spans() if s.text == "holding a permit"), key=lambda s: s.start
    )
    return SemaphoreRun(
        permits,
        n,
        tuple(int(s.lane[1:]) for s in holding),
        tuple(holders),
        max(holders),
        tuple(p.exitcode for p in procs),
        timeline,
    )


@example("例 3-7", hold=(0.2, 0.4))
def semaphore_six_processes(ctx=None, hold: tuple[float, float] = (1.0, 5.0)) -> SemaphoreRun:
    """The chapter's second run: a semaphore of three permits shared by six processes."""
    return semaphore_demo(ctx, permits=3, n=6, hold=hold)


# --8<-- [end:semaphore]


# --8<-- [start:printed_order]
def _first_holder(rec: Recorder, sem, has_it, second_said) -> None:
    with rec.span("blocked", "sem.acquire"):
        _acquire(sem)
    rec.say("0 拿到了信号量", en="0 got a permit")
    has_it.set()
    with rec.span("waiting", "holding a permit"):
        time.sleep(0.05)
    sem.release()
    second_said.wait(TIMEOUT)  # slow to print: the next holder speaks first
    rec.say("0 交还了信号量", en="0 gave its permit back")


def _second_holder(rec: Recorder, sem, has_it, second_said) -> None:
    has_it.wait(TIMEOUT)  # ask only once the first process holds the permit
    with rec.span("blocked", "sem.acquire"):
        _acquire(sem)
    rec.say("1 拿到了信号量", en="1 got a permit")
    second_said.set()
    with rec.span("waiting", "holding a permit"):
        time.sleep(0.05)
    sem.release()
    rec.say("1 交还了信号量", en="1 gave its permit back")


@dataclass(frozen=True)
class PrintedOrder:
    """What the program printed, and how many really held the permit at once."""

    transcript: list[str]
    max_holders: int  # measured from the spans inside the critical section
    timeline: Timeline


@example()
def printed_order(ctx=None) -> PrintedOrder:
    """The 'released' line is printed after ``release``: the printout can look like two holders.

    Process 0 is delayed between releasing and printing until process 1 has
    printed that it got the permit.
    """
    ctx = context(ctx)
    with recording() as rec:
        sem, has_it, said = ctx.Semaphore(1), ctx.Event(), ctx.Event()
        procs = [
            ctx.Process(target=f, args=(rec, sem, has_it, said), name=f"p{i}")
            for i, f in enumerate((_first_holder, _second_holder))
        ]
        for p in procs:
            p.start()
        join_all(procs)
        timeline = rec.events()
    return PrintedOrder(
        timeline.transcript(), timeline.max_overlap("waiting", "holding a permit"), timeline
    )


# --8<-- [end:printed_order]


# --8<-- [start:never_negative]
def _wait_for_permit(sem, trying, got) -> None:
    trying.set()
    got.value = int(sem.acquire(timeout=TIMEOUT))  # -1 until acquire returns
    if got.value:
        sem.release()


def _is_blocked(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() in (psutil.STATUS_SLEEPING, psutil.STATUS_DISK_SLEEP)
    except psutil.NoSuchProcess:
        return False


def _until(predicate, timeout: float = TIMEOUT, what: str = "condition") -> None:
    """Poll ``predicate`` until it is true; ``TimeoutError`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} not reached within {timeout} s")
        time.sleep(0.002)


@dataclass(frozen=True)
class Counter:
    """A semaphore's counter, read before, during and after two processes wait on it."""

    start: int | None  # the value before anybody waits
    while_waiting: list[int | None]  # read again and again while two processes wait
    waiting_throughout: bool  # every waiter was inside acquire() before and after the reads
    try_without_blocking: bool  # acquire(block=False) on an exhausted semaphore
    end: int | None  # after the holder released and both waiters came and went
    waiters_served: int
    waiter_pids: list[int]


def semaphore_counter(ctx=None, waiters: int = 2, samples: int = 20) -> Counter:
    """Read a semaphore's counter while ``waiters`` processes are blocked on it."""
    ctx = context(ctx)
    sem = ctx.Semaphore(1)
    start = _value(sem)
    _acquire(sem)  # the main process takes the only permit
    trying = [ctx.Event() for _ in range(waiters)]
    got = [ctx.Value("i", -1) for _ in range(waiters)]
    procs = [
        ctx.Process(target=_wait_for_permit, args=(sem, t, g), name=f"waiter-{i}")
        for i, (t, g) in enumerate(zip(trying, got, strict=True))
    ]
    try:
        for p in procs:
            p.start()
        for p, t in zip(procs, trying, strict=True):
            _until(t.is_set, what="waiter started")
            _until(lambda p=p: _is_blocked(p.pid), what="waiter blocked in acquire")
        asking = all(t.is_set() for t in trying)  # each is past "trying", so inside acquire()
        seen = [_value(sem) for _ in range(samples)]
        nonblocking = sem.acquire(False)
        waiting = asking and all(g.value == -1 for g in got)  # and none has returned from it
    finally:
        sem.release()
        join_all(procs)
    served = sum(g.value == 1 for g in got)
    return Counter(start, seen, waiting, nonblocking, _value(sem), served, [p.pid for p in procs])


# --8<-- [end:never_negative]


# --8<-- [start:over_release]
@dataclass(frozen=True)
class OverRelease:
    """What the standard library does with one release too many and a negative count."""

    semaphore_value: int | None  # Semaphore(2) released once without an acquire
    bounded_error: str  # BoundedSemaphore(2) released once without an acquire
    negative_error: str  # multiprocessing.Semaphore(-1)
    threading_negative_error: str  # threading.Semaphore(-1), for comparison


def _error_of(call) -> str:
    try:
        call()
    except Exception as e:  # the type and message are the result
        return f"{type(e).__name__}: {e}"
    return ""


def over_release(ctx=None) -> OverRelease:
    """What the standard library does with a release too many, and with a negative count."""
    ctx = context(ctx)
    sem = ctx.Semaphore(2)
    sem.release()
    bounded = ctx.BoundedSemaphore(2)
    return OverRelease(
        _value(sem),
        _error_of(bounded.release),
        _error_of(lambda: ctx.Semaphore(-1)),
        _error_of(lambda: threading.Semaphore(-1)),
    )


# --8<-- [end:over_release]


# --8<-- [start:holder_dies]
HOW = (
    "raise",  # the chapter's bare acquire() ... release(): an exception in between
    "raise-in-with",  # `with sem:` and an exception inside
    "raise-in-finally",  # acquire(); try: ... finally: release(), as in 例 3-8
    "exit-in-with",  # sys.exit() inside `with sem:`
    "os-exit-in-with",  # os._exit() inside `with sem:`
    "terminate-in-with",  # SIGTERM (Process.terminate) while inside `with sem:`
    "terminate-handled-in-with",  # the same, with a handler turning SIGTERM into SystemExit
    "kill-in-with",  # SIGKILL (Process.kill) while inside `with sem:`
)


def _fail() -> None:
    raise RuntimeError("the work inside the critical section failed")


def _exit_on_sigterm(signum, frame) -> None:
    sys.exit(128 + signum)  # unwinds the stack: `with` blocks and open spans get their exit


def _hold_then_die(rec: Recorder, sem, how: str, holding, never) -> None:
    if how == "raise":
        _acquire(sem)
        holding.set()
        rec.mark("拿到信号量后出错", en="fails while holding the permit")
        _fail()
        sem.release()  # never reached
    elif how == "raise-in-finally":
        _acquire(sem)
        try:
            holding.set()
            rec.mark("拿到信号量后出错", en="fails while holding the permit")
            _fail()
        finally:
            sem.release()
    else:
        if how == "terminate-handled-in-with":
            signal.signal(signal.SIGTERM, _exit_on_sigterm)
        with sem:  # uncontended here: nobody else holds the permit yet
            holding.set()
            rec.mark("在 with 块里", en="inside the with block")
            if how == "raise-in-with":
                _fail()
            elif how == "exit-in-with":
                sys.exit(3)
            elif how == "os-exit-in-with":
                os._exit(3)
            never.wait(TIMEOUT)  # stays inside until the main process signals it


def _ask_for_permit(rec: Recorder, sem, patience: float, got) -> None:
    with rec.span("blocked", "sem.acquire"):
        ok = sem.acquire(timeout=patience)
    got.value = int(ok)
    if ok:
        rec.say("后来的进程拿到了信号量", en="the next process got the permit")
        sem.release()
    else:
        rec.say(
            f"后来的进程等了 {patience} 秒，信号量仍未释放",
            en=f"the next process waited {patience} s: the permit never came back",
        )


@dataclass(frozen=True)
class HolderDeath:
    """How a permit holder died, and whether the next process could get the permit."""

    how: str
    holder_exitcode: int
    next_got_permit: bool  # did a process asking afterwards get the permit?
    value_after: int | None  # the semaphore's counter once everybody is gone
    timeline: Timeline


def holder_dies(ctx=None, how: str = "raise", patience: float = 1.0) -> HolderDeath:
    """A process holding the only permit dies (``how``); can the next one get it?

    The next process asks only after the holder is gone, with ``acquire(timeout=patience)``:
    ``False`` means the permit was never given back (without a timeout it would wait forever).
    """
    if how not in HOW:
        raise ValueError(f"how must be one of {HOW}, not {how!r}")
    ctx = context(ctx)
    with recording() as rec:
        sem, holding, never = ctx.Semaphore(1), ctx.Event(), ctx.Event()
        got = ctx.Value("i", -1)
        holder = ctx.Process(
            target=_hold_then_die, args=(rec, sem, how, holding, never), name="holder"
        )
        holder.start()
        if not holding.wait(TIMEOUT):
            join_all([holder], 0)
            raise TimeoutError("the holder never got the permit")
        if how.startswith("terminate"):
            holder.terminate()
        elif how == "kill-in-with":
            holder.kill()
        join_all([holder])
        rec.mark(
            f"持有者退出，退出码 {holder.exitcode}", en=f"holder gone, exit code {holder.exitcode}"
        )
        nxt = ctx.Process(target=_ask_for_permit, args=(rec, sem, patience, got), name="next")
        nxt.start()
        join_all([nxt])
        return HolderDeath(how, holder.exitcode, bool(got.value), _value(sem), rec.events())


@example(patience=0.3)
def holder_dies_without_release(ctx=None, patience: float = 1.0) -> HolderDeath:
    """The risk the chapter names: bare acquire/release, and an exception in between."""
    return holder_dies(ctx, "raise", patience)


@example(patience=0.3)
def holder_fails_inside_with(ctx=None, patience: float = 1.0) -> HolderDeath:
    """The fix: ``with sem:`` gives the permit back when the work raises."""
    return holder_dies(ctx, "raise-in-with", patience)


@example(patience=0.3)
def holder_killed_inside_with(ctx=None, patience: float = 1.0) -> HolderDeath:
    """What no ``with`` can fix: a holder killed with SIGKILL gives nothing back."""
    return holder_dies(ctx, "kill-in-with", patience)


# --8<-- [end:holder_dies]


# --8<-- [start:self_calling]
# A program shaped like the listing of 例 3-7 as printed: the call that should
# start the demo is indented into the demo's own body, and nothing calls it.
SHAPE_AS_PRINTED = """
import multiprocessing, sys
from chapter3.process_sync import _idle

started = []

def _start(p):
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(limit + 200)  # start() itself gets room: the recursion stops in demo()
    try:
        p.start()
    finally:
        sys.setrecursionlimit(limit)

def demo(ctx):
    for i in range(2):
        p = ctx.Process(target=_idle)
        started.append(p)
        _start(p)
    demo(ctx)  # inside the body: the function calls itself
"""

# The same program with a call at the top level (what a reader would add).
CALL_IT = """
import json
if __name__ == "__main__":
    ctx = multiprocessing.get_context(sys.argv[1])
    depth, frame = 0, sys._getframe()
    while frame is not None:
        depth, frame = depth + 1, frame.f_back
    sys.setrecursionlimit(depth + int(sys.argv[2]))  # a short stack, so that this ends soon
    try:
        demo(ctx)
        outcome = "returned"
    except RecursionError:
        outcome = "RecursionError"
    sys.setrecursionlimit(1000)
    for p in started:
        if p.pid is not None:
            p.join(30)
    print(json.dumps({"outcome": outcome, "started": sum(p.pid is not None for p in started)}))
"""


def _idle() -> None:
    pass


@dataclass(frozen=True)
class SelfCalling:
    """What a program shaped like the listing of 例 3-7 did in a fresh interpreter."""

    returncode: int
    stdout: str
    outcome: str  # "not called", "returned" or "RecursionError"
    started: int  # processes really started before the recursion gave up


def self_calling_listing(ctx=None, call_it: bool = True, levels: int = 10) -> SelfCalling:
    """Run :data:`SHAPE_AS_PRINTED` in a fresh interpreter, as printed or with a call added.

    ``levels`` is how many frames deeper than the call the interpreter's
    recursion limit is set: each level of the recursion starts two processes,
    so the default limit (1000 frames) would start about two thousand of them.
    """
    ctx = context(ctx)
    code = SHAPE_AS_PRINTED + (CALL_IT if call_it else "")
    done = subprocess.run(
        [sys.executable, "-c", code, ctx.get_start_method(), str(levels)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=TIMEOUT * 2,
        check=False,
    )
    report = json.loads(done.stdout) if call_it and done.returncode == 0 else {}
    return SelfCalling(
        done.returncode,
        done.stdout,
        report.get("outcome", "not called"),
        report.get("started", 0),
    )


# --8<-- [end:self_calling]


# ---------------------------------------------------------------------------
# 2. Locks (例 3-8)
# ---------------------------------------------------------------------------


# --8<-- [start:lock]
def _append(path: str, piece: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_APPEND)
    try:
        os.write(fd, piece.encode())
    finally:
        os.close(fd)


def record_of(i: int) -> list[str]:
    """Process ``i``'s line, in the three pieces it writes one at a time."""
    return [f"{i}:", " Hello", " Python ...\n"]


def _write_record(rec: Recorder, path: str, lock, start_line, midway, pause: float, i: int) -> None:
    start_line.wait(TIMEOUT)  # everybody starts writing at the same moment
    if lock is not None:
        with rec.span("blocked", "lock.acquire"):
            _acquire(lock)
    try:
        with rec.span("running", "writing a line"):
            for k, piece in enumerate(record_of(i)):
                _append(path, piece)
                if k == 0:  # mid-line: wait (up to `pause`) until the others are mid-line too
                    with contextlib.suppress(threading.BrokenBarrierError):
                        midway.wait(pause)  # broken: nobody else could come in
    finally:
        if lock is not None:
            lock.release()


@dataclass(frozen=True)
class Lines:
    """The shared file after every process wrote its line, and how many wrote at once."""

    locked: bool
    lines: list[str]  # the shared file, line by line
    whole: int  # lines that are exactly one process's line
    max_writers: int  # processes writing at the same moment, from the timeline
    timeline: Timeline


def shared_file(ctx=None, n: int = 5, use_lock: bool = True, pause: float = 1.0) -> Lines:
    """``n`` processes write one line each to a shared file, in three pieces.

    Each process, after its first piece, waits up to ``pause`` seconds for all
    the others to be half-way through their lines too (a barrier). Without the
    lock they all are, every time; with it nobody else can be, and the wait
    times out once (a broken barrier stays broken, so only the first holder waits).
    """
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    ctx = context(ctx)
    fd, path = tempfile.mkstemp(prefix="chapter3-lines-", suffix=".txt")
    os.close(fd)
    try:
        with recording() as rec:
            lock = ctx.Lock() if use_lock else None
            start_line, midway = ctx.Barrier(n), ctx.Barrier(n)
            procs = [
                ctx.Process(
                    target=_write_record,
                    args=(rec, path, lock, start_line, midway, pause, i),
                    name=f"p{i}",
                )
                for i in range(n)
            ]
            for p in procs:
                p.start()
            join_all(procs)
            with open(path, encoding="utf-8") as f:
                lines = f.read().splitlines()
            for line in lines:  # the main process prints the file
                rec.say(line, en=line)
            timeline = rec.events()
    finally:
        os.unlink(path)
    wanted = {"".join(record_of(i)).rstrip("\n") for i in range(n)}
    return Lines(
        use_lock,
        lines,
        sum(line in wanted for line in lines),
        timeline.max_overlap("running", "writing a line"),
        timeline,
    )


@example("例 3-8", pause=0.2)
def lock_demo(ctx=None, n: int = 5, pause: float = 1.0) -> Lines:
    """例 3-8: five processes print a line each, one at a time thanks to a lock."""
    return shared_file(ctx, n, True, pause)


@example(pause=0.2)
def no_lock_demo(ctx=None, n: int = 5, pause: float = 1.0) -> Lines:
    """The same program without the lock: the lines get mixed, every run."""
    return shared_file(ctx, n, False, pause)


# --8<-- [end:lock]


# --8<-- [start:lock_order]
def _greet_when_let_go(rec: Recorder, lock, gate, done, i: int) -> None:
    gate.wait(TIMEOUT)
    with rec.span("blocked", "lock.acquire"):
        _acquire(lock)
    try:
        rec.say(f"{i} 说: Hello Python ...", en=f"{i} says: Hello Python ...")
    finally:
        lock.release()
    done.set()


@dataclass(frozen=True)
class LockOrder:
    """The order processes were started in and the order they printed in."""

    started: list[int]
    printed: list[int]
    timeline: Timeline


@example(order=(4, 3, 2, 1, 0))
def lock_order(ctx=None, order: tuple[int, ...] = (4, 3, 2, 1, 0)) -> LockOrder:
    """Start processes 0..n-1 in order, but let them reach the lock in ``order``."""
    if sorted(order) != list(range(len(order))):
        raise ValueError(f"order must be a permutation of 0..{len(order) - 1}, got {order}")
    ctx = context(ctx)
    n = len(order)
    with recording() as rec:
        lock = ctx.Lock()
        gates, done = [ctx.Event() for _ in range(n)], [ctx.Event() for _ in range(n)]
        procs = [
            ctx.Process(
                target=_greet_when_let_go, args=(rec, lock, gates[i], done[i], i), name=f"p{i}"
            )
            for i in range(n)
        ]
        for p in procs:
            p.start()
        try:
            for i in order:
                gates[i].set()
                done[i].wait(TIMEOUT)
        finally:
            for g in gates:
                g.set()
            join_all(procs)
        timeline = rec.events()
    printed = [int(line.split(" ")[0]) for line in timeline.transcript()]
    return LockOrder(list(range(n)), printed, timeline)


# --8<-- [end:lock_order]


# --8<-- [start:overtaking]
def _queue_for_lock(lock, conn, rounds: int) -> None:
    for _ in range(rounds):
        if not conn.poll(TIMEOUT):
            return
        conn.recv()
        conn.send("trying")
        _acquire(lock)  # blocks: the main process holds the lock
        conn.send("got it")
        if conn.poll(TIMEOUT):  # hold it until told: an acquire(False) now must fail
            conn.recv()
        lock.release()
        conn.send("done")


@dataclass(frozen=True)
class Overtaking:
    """How often the releasing process got the lock back before the waiting one."""

    rounds: int
    stopped: bool  # was the waiter paused (SIGSTOP) while the lock changed hands?
    overtaken: int  # rounds in which the process that had just released got the lock first


def _status(pid: int) -> str:
    try:
        return psutil.Process(pid).status()
    except psutil.NoSuchProcess:
        return "gone"


def lock_overtaking(ctx=None, rounds: int = 20, stop_waiter: bool = True) -> Overtaking:
    """A process waits on a lock; the holder releases it and at once asks for it again.

    With ``stop_waiter`` the waiting process is paused with SIGSTOP while the
    lock changes hands: it has been woken but not yet scheduled, the moment in
    which anybody else may take the lock. Without it, who wins is up to the
    scheduler. The waiter keeps the lock until told to let go, so a successful
    ``acquire(False)`` by the holder means the waiter had not got it.
    """
    ctx = context(ctx)
    lock = ctx.Lock()
    mine, theirs = ctx.Pipe()
    waiter = ctx.Process(target=_queue_for_lock, args=(lock, theirs, rounds), name="waiter")
    waiter.start()
    overtaken = 0
    try:
        for _ in range(rounds):
            _acquire(lock)
            mine.send("go")
            if not mine.poll(TIMEOUT) or mine.recv() != "trying":
                raise TimeoutError("the waiter did not start trying")
            _until(lambda: _is_blocked(waiter.pid), what="waiter blocked on the lock")
            if stop_waiter:
                os.kill(waiter.pid, signal.SIGSTOP)
                _until(lambda: _status(waiter.pid) == psutil.STATUS_STOPPED, what="stopped")
            lock.release()  # the waiter has been waiting longest...
            again = lock.acquire(False)  # ...but the releaser asks again at once
            if stop_waiter:
                os.kill(waiter.pid, signal.SIGCONT)
            if again:
                overtaken += 1  # the waiter cannot have had it: it would still hold it
                lock.release()
            if not mine.poll(TIMEOUT) or mine.recv() != "got it":
                raise TimeoutError("the waiter never got the lock")
            mine.send("let go")
            if not mine.poll(TIMEOUT) or mine.recv() != "done":
                raise TimeoutError("the waiter did not let go")
    finally:
        if stop_waiter and waiter.pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(waiter.pid, signal.SIGCONT)
        join_all([waiter])
        mine.close()
        theirs.close()
    return Overtaking(rounds, stop_waiter, overtaken)


# --8<-- [end:overtaking]


# --8<-- [start:lock_semantics]
def _release_and_report(lock, conn) -> None:
    conn.send(_error_of(lock.release) or "released")
    conn.close()


@dataclass(frozen=True)
class LockSemantics:
    """Reentrancy and ownership of a ``Lock`` or an ``RLock``, as observed."""

    kind: str
    second_acquire: bool  # the owner asks again, with a timeout: would it deadlock?
    released_by_other_process: str  # "released", or the error another process got
    after_other_release: str  # what the owner's own release gets afterwards
    release_unlocked: str  # release() of a lock nobody holds


def lock_semantics(ctx=None, kind: str = "Lock", patience: float = 0.2) -> LockSemantics:
    """Reentrancy and ownership of ``ctx.Lock`` or ``ctx.RLock``."""
    if kind not in ("Lock", "RLock"):
        raise ValueError(f"kind must be 'Lock' or 'RLock', not {kind!r}")
    ctx = context(ctx)
    lock = getattr(ctx, kind)()
    _acquire(lock)
    again = lock.acquire(timeout=patience)
    if again:
        lock.release()
    mine, theirs = ctx.Pipe()
    other = ctx.Process(target=_release_and_report, args=(lock, theirs), name="other")
    other.start()
    try:
        got = mine.recv() if mine.poll(TIMEOUT) else "no answer"
    finally:
        join_all([other])
        mine.close()
        theirs.close()
    own = _error_of(lock.release) or "released"
    fresh = getattr(ctx, kind)()
    return LockSemantics(kind, again, got, own, _error_of(fresh.release))


# --8<-- [end:lock_semantics]


# ---------------------------------------------------------------------------
# 3. Producer–consumer (例 3-9)
# ---------------------------------------------------------------------------

PRODUCERS = ("Tom", "Jerry")
CONSUMER = "Xiaoming"


# --8<-- [start:producer_consumer]
def _produce(rec: Recorder, q, name: str, items: int, make, sentinel: bool) -> None:
    for i in range(items):
        rec.sleep(random.uniform(*make), "making")
        with rec.span("blocked", "q.put"):
            q.put((name, i), timeout=TIMEOUT)  # blocks while the buffer is full
        rec.say(f"生产者 {name} 做好了包子 {i}", en=f"producer {name} made bun {i}")
    rec.say(f"生产者 {name} 收工", en=f"producer {name} is done")
    if sentinel:
        with rec.span("blocked", "q.put"):
            q.put((name, None), timeout=TIMEOUT)  # "no more from me"


def _consume(rec: Recorder, q, report, eat: int, chew, full_each_time: bool = False) -> None:
    eaten, sentinels = [], []
    while len(eaten) < eat:
        with rec.span("blocked", "q.get"):
            item = q.get(timeout=TIMEOUT)  # blocks while the buffer is empty
        if item[1] is None:
            sentinels.append(item)  # a producer is done: not food
            continue
        eaten.append(item)
        rec.say(
            f"消费者吃了 {item[0]} 的包子 {item[1]}", en=f"consumer ate {item[0]}'s bun {item[1]}"
        )
        rec.sleep(random.uniform(*chew), "eating")
        if full_each_time:  # the listing's indentation: inside the loop
            rec.say("消费者吃饱了", en="the consumer is full")
    if not full_each_time:
        rec.say("消费者吃饱了", en="the consumer is full")
    if report is not None:
        report.put((eaten, sentinels), timeout=TIMEOUT)


@dataclass(frozen=True)
class Buns:
    """A run of the producer–consumer program that always ends."""

    maxsize: int
    made: dict[str, list[int]]  # per producer, the buns it put, in order
    eaten: list[tuple[str, int]]  # what the consumer ate, in order
    left: list[tuple[str, int]]  # what was still in the buffer, collected by the main process
    high_water: int  # lower bound of the buffer's fill, measured from the timeline
    exitcodes: dict[str, int]
    timeline: Timeline


def buffer_high_water(timeline: Timeline) -> int:
    """The most items provably in the buffer at once: puts finished minus gets begun.

    A put that has returned has taken a slot; a get that has not begun cannot
    have freed one. So this never exceeds the real fill, and a buffer that let
    producers get more than ``maxsize`` ahead would show it.
    """
    edges = [(s.end, 1) for s in timeline.spans() if s.text == "q.put"]
    edges += [(s.start, -1) for s in timeline.spans() if s.text == "q.get"]
    depth = best = 0
    for _, step in sorted(edges, key=lambda e: (e[0], e[1])):  # gets first on ties
        depth += step
        best = max(best, depth)
    return best


@example("例 3-9", maxsize=2, make=(0.01, 0.03), chew=(0.05, 0.1), full_each_time=False)
def producer_consumer(
    ctx=None,
    maxsize: int = 2,
    items: int = 5,
    eat: int = 5,
    make: tuple[float, float] = (1.0, 2.0),
    chew: tuple[float, float] = (1.0, 3.0),
    full_each_time: bool = False,
) -> Buns:
    """Two producers of ``items`` buns, one consumer of ``eat``, a buffer of ``maxsize``.

    The chapter's program, made to end: each producer puts a sentinel when it
    is done, the main process waits for the consumer, then collects what is
    left until it has seen both sentinels (which unblocks the producers), and
    joins everybody.

    Raises:
        ValueError: ``maxsize`` < 1 (``Queue(0)`` would be unbounded) or
            ``eat`` > everything the producers make (the consumer would starve).
    """
    if maxsize < 1:
        raise ValueError(f"maxsize must be >= 1 (0 means unbounded), got {maxsize}")
    if not 0 <= eat <= items * len(PRODUCERS):
        raise ValueError(f"eat must be in 0..{items * len(PRODUCERS)}, got {eat}")
    ctx = context(ctx)
    with recording() as rec:
        q, report = ctx.Queue(maxsize), ctx.Queue()
        producers = [
            ctx.Process(target=_produce, args=(rec, q, name, items, make, True), name=name)
            for name in PRODUCERS
        ]
        consumer = ctx.Process(
            target=_consume, args=(rec, q, report, eat, chew, full_each_time), name=CONSUMER
        )
        try:
            for p in [*producers, consumer]:
                p.start()
            eaten, sentinels = report.get(timeout=TIMEOUT)
            join_all([consumer])
            left = []
            while len(sentinels) < len(PRODUCERS):
                with rec.span("blocked", "q.get"):
                    item = q.get(timeout=TIMEOUT)
                (sentinels if item[1] is None else left).append(item)
            rec.say(
                f"主进程收走剩下的 {len(left)} 个包子",
                en=f"main collects the {len(left)} buns left",
            )
        finally:
            join_all([*producers, consumer])
            for queue in (q, report):
                queue.close()
                queue.join_thread()
        timeline = rec.events()
    made = {name: _made_by(timeline, name) for name in PRODUCERS}
    return Buns(
        maxsize,
        made,
        eaten,
        left,
        buffer_high_water(timeline),
        {p.name: p.exitcode for p in [*producers, consumer]},
        timeline,
    )


def _made_by(timeline: Timeline, name: str) -> list[int]:
    """The buns a producer reported as made (its 'made' lines), in order."""
    prefix = f"producer {name} made bun "
    return [
        int(e.en[len(prefix) :]) for e in timeline if e.kind == "say" and e.en.startswith(prefix)
    ]


@example("例 3-9", make=(0.01, 0.03), chew=(0.05, 0.1))
def producer_consumer_10(
    ctx=None, make: tuple[float, float] = (1.0, 2.0), chew: tuple[float, float] = (1.0, 3.0)
) -> Buns:
    """The chapter's second run: the same program with a buffer of 10."""
    return producer_consumer(ctx, maxsize=10, make=make, chew=chew)


# --8<-- [end:producer_consumer]


# --8<-- [start:as_printed]
def _produce_until_stopped(rec: Recorder, q, name: str, items: int, make) -> None:
    """:func:`_produce`, except that SIGTERM ends it through ``SystemExit``.

    Only so that the timeline shows where it was stuck when it was stopped.
    """
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    _produce(rec, q, name, items, make, False)


def _chapter_program(method: str, maxsize: int, path: str, make, chew, wait: bool) -> None:
    """例 3-9 as the chapter runs it, in a fresh interpreter: start three processes, no join.

    With ``wait``, the main program first waits (up to a deadline) until all
    three children have recorded something, i.e. have unpickled the queue:
    see :func:`dropped_queue` for what happens to them otherwise.
    """
    import multiprocessing

    multiprocessing.current_process().name = "chapter-main"
    ctx = multiprocessing.get_context(method)
    rec = Recorder(path)
    q = ctx.Queue(maxsize)
    for name in PRODUCERS:
        ctx.Process(target=_produce_until_stopped, args=(rec, q, name, 5, make), name=name).start()
    ctx.Process(target=_consume, args=(rec, q, None, 5, chew), name=CONSUMER).start()
    if wait:
        everyone = {*PRODUCERS, CONSUMER}
        with contextlib.suppress(TimeoutError):
            _until(lambda: everyone <= set(rec.events().lanes()), what="children up")
    rec.mark("主程序的代码执行完了", en="the main program has run its last line")
    # ...and the interpreter exits: multiprocessing joins every non-daemon child first


@dataclass(frozen=True)
class AsPrinted:
    """A run of 例 3-9 as the chapter wrote it, watched from outside."""

    maxsize: int
    ended_by_itself: bool  # did the program end without help within `grace` s?
    returncode: int
    made: dict[str, int]  # buns each producer reported as made
    eaten: int
    blocked: list[str]  # producers still alive, asleep in put(), after `grace` s
    stderr: str  # what the program and its children wrote to stderr
    timeline: Timeline


def chapter_program(
    ctx=None,
    maxsize: int = 2,
    make: tuple[float, float] = (1.0, 2.0),
    chew: tuple[float, float] = (1.0, 3.0),
    grace: float = 3.0,
    wait: bool = True,
) -> AsPrinted:
    """Run the chapter's unjoined program in a subprocess and see whether it ends.

    Once the consumer is full and the producers have made all they can
    (everything, or 5 eaten + ``maxsize`` in the buffer), the program gets
    ``grace`` more seconds. If it is still running then, the producers still
    blocked are stopped with SIGTERM, which lets it end (its interpreter was
    waiting for them).
    """
    ctx = context(ctx)
    with recording() as rec:
        args = (ctx.get_start_method(), maxsize, rec.path, tuple(make), tuple(chew), wait)
        code = f"from chapter3.process_sync import _chapter_program\n_chapter_program{args!r}"
        proc = subprocess.Popen(
            [sys.executable, "-c", code],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        try:
            can_make = min(2 * 5, 5 + maxsize)

            def settled() -> bool:
                timeline = rec.events()
                made = sum(len(_made_by(timeline, n)) for n in PRODUCERS)
                full = any(e.en == "the consumer is full" for e in timeline)
                return (full and made >= can_make) or proc.poll() is not None

            _until(settled, what="the consumer full and the producers done")
            try:
                proc.wait(grace)
                ended = True
            except subprocess.TimeoutExpired:
                ended = False
            blocked = []
            if not ended:
                rec.mark(
                    f"{grace} 秒后程序仍在运行", en=f"{grace} s later the program is still running"
                )
                pids = {e.lane: e.pid for e in rec.events() if e.lane in PRODUCERS}
                for name, pid in pids.items():
                    if _is_blocked(pid):
                        blocked.append(name)
                        psutil.Process(pid).terminate()
                rec.mark("终止阻塞的生产者", en="stop the blocked producers (SIGTERM)")
                proc.wait(TIMEOUT)
        finally:
            if proc.poll() is None:  # something went wrong: never leave it behind
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(TIMEOUT)
            _, stderr = proc.communicate()
        timeline = rec.events()
    made = {name: len(_made_by(timeline, name)) for name in PRODUCERS}
    eaten = sum(e.en.startswith("consumer ate ") for e in timeline)
    return AsPrinted(
        maxsize, ended, proc.returncode, made, eaten, sorted(blocked), stderr, timeline
    )


@example("例 3-9", make=(0.01, 0.03), chew=(0.05, 0.1), grace=0.5)
def chapter_program_buffer_2(
    ctx=None, make=(1.0, 2.0), chew=(1.0, 3.0), grace: float = 3.0
) -> AsPrinted:
    """例 3-9 as printed, buffer of 2: the program never ends by itself."""
    return chapter_program(ctx, 2, make, chew, grace)


@example("例 3-9", make=(0.01, 0.03), chew=(0.05, 0.1), grace=5.0)
def chapter_program_buffer_10(
    ctx=None, make=(1.0, 2.0), chew=(1.0, 3.0), grace: float = 10.0
) -> AsPrinted:
    """例 3-9 as printed, buffer of 10: everything fits, and the program ends."""
    return chapter_program(ctx, 10, make, chew, grace)


# --8<-- [end:as_printed]


# --8<-- [start:dropped_queue]
class _SlowToStart:
    """An argument that holds up a spawned child while it unpickles, until a file exists.

    It stands for a child that is slow to start (a spawned interpreter takes
    tens of milliseconds): the arguments after it are unpickled only later.
    """

    def __init__(self, path: str):
        self.path = path

    def __reduce__(self):
        return (_wait_for_file, (self.path,))


def _wait_for_file(path: str) -> None:
    with contextlib.suppress(TimeoutError):
        _until(lambda: os.path.exists(path), what="go-ahead file")


def _put_one(_gate, q) -> None:
    q.put("bun", timeout=TIMEOUT)


@dataclass(frozen=True)
class DroppedQueue:
    """The exit code of a child whose parent dropped the queue before it started."""

    method: str
    exitcode: int  # of a child whose parent let go of the queue before it started


def dropped_queue(ctx=None) -> DroppedQueue:
    """The parent drops its only reference to a queue before the child has unpickled it.

    That is what 例 3-9's parent does when its function returns (and what any
    multiprocessing program does at exit, before it joins its children: it
    runs the finalizers that unlink the queue's named semaphores).
    """
    ctx = context(ctx)
    folder = tempfile.mkdtemp(prefix="chapter3-gate-")
    go = os.path.join(folder, "go")
    try:
        q = ctx.Queue()
        child = ctx.Process(target=_put_one, args=(_SlowToStart(go), q), name="late-child")
        child.start()
        del q  # the parent's last reference: its semaphores are unlinked now
        gc.collect()
        Path(go).touch()  # now the child may go on unpickling
        join_all([child])
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(go)
        os.rmdir(folder)
    return DroppedQueue(ctx.get_start_method(), child.exitcode)


# --8<-- [end:dropped_queue]


# ---------------------------------------------------------------------------
# 4. Beyond the chapter: readers–writers and dining philosophers
# ---------------------------------------------------------------------------


# --8<-- [start:readers_writers]
def _reader(rec: Recorder, room, mutex, inside, crowd, me: int, rounds: int, read: float) -> None:
    for r in range(rounds):
        with rec.span("blocked", "wait to read"):
            _acquire(mutex)
            inside.value += 1
            if inside.value == 1:  # the first reader in locks the writers out...
                _acquire(room)
            mutex.release()
        with rec.span("running", "reading"):
            if r == 0:
                crowd.wait(TIMEOUT)  # all readers inside at once, and every writer at the door
            time.sleep(read)
        rec.say(f"读者 {me} 读完第 {r + 1} 轮", en=f"reader {me} finished round {r + 1}")
        _acquire(mutex)
        inside.value -= 1
        if inside.value == 0:  # ...and the last one out lets them in (maybe another process)
            room.release()
        mutex.release()


def _writer(rec: Recorder, room, crowd, me: int, rounds: int, write: float) -> None:
    for r in range(rounds):
        with rec.span("blocked", "wait to write"):
            if r == 0:
                crowd.wait(TIMEOUT)  # arrive while all the readers are inside
            _acquire(room)
        try:
            with rec.span("running", "writing"):
                time.sleep(write)
        finally:
            room.release()
        rec.say(f"写者 {me} 写完第 {r + 1} 轮", en=f"writer {me} finished round {r + 1}")


@dataclass(frozen=True)
class ReadersWriters:
    """Who was inside at once in a readers–writers run."""

    max_readers: int  # readers inside at the same moment
    max_writers: int  # writers inside at the same moment
    writer_met_reader: bool  # did any writing span overlap a reading span?
    writers_waited_for_readers: bool  # a writer was at the door while readers were inside
    timeline: Timeline


@example(read=0.1, write=0.05)
def readers_writers(
    ctx=None,
    readers: int = 3,
    writers: int = 2,
    rounds: int = 2,
    read: float = 0.5,
    write: float = 0.3,
) -> ReadersWriters:
    """Readers share the room; a writer needs it to itself (the readers-preference solution).

    In the first round every reader is inside at once and every writer is at
    the door (a barrier of all of them, passed inside the reading span): if
    readers excluded each other, that barrier could never be passed.
    ``room`` is a ``Lock`` taken by the first reader in and released by the
    last one out, possibly another process: a ``multiprocessing.Lock`` allows
    that; an ``RLock`` would not.
    """
    if readers < 1 or writers < 0:
        raise ValueError(f"need readers >= 1 and writers >= 0, got {readers}, {writers}")
    ctx = context(ctx)
    with recording() as rec:
        room, mutex = ctx.Lock(), ctx.Lock()
        inside = ctx.Value("i", 0, lock=False)  # guarded by mutex
        crowd = ctx.Barrier(readers + writers)
        procs = [
            ctx.Process(
                target=_reader,
                args=(rec, room, mutex, inside, crowd, i, rounds, read),
                name=f"reader-{i}",
            )
            for i in range(readers)
        ] + [
            ctx.Process(
                target=_writer, args=(rec, room, crowd, i, rounds, write), name=f"writer-{i}"
            )
            for i in range(writers)
        ]
        for p in procs:
            p.start()
        join_all(procs)
        timeline = rec.events()
    reading = [s for s in timeline.spans() if s.text == "reading"]
    writing = [s for s in timeline.spans() if s.text == "writing"]
    waits = [s for s in timeline.spans() if s.text == "wait to write"]
    return ReadersWriters(
        timeline.max_overlap("running", "reading"),
        timeline.max_overlap("running", "writing"),
        any(overlaps(w, r) for w in writing for r in reading),
        any(overlaps(w, r) for w in waits for r in reading),
        timeline,
    )


# --8<-- [end:readers_writers]


# --8<-- [start:philosophers]
STRATEGIES = ("naive", "ordered", "waiter")


@dataclass(frozen=True)
class Table:
    """What the philosophers share (it pickles: every field is a multiprocessing object)."""

    forks: list  # one Lock per fork
    seats: object  # Semaphore(n - 1) for the waiter strategy, else None
    start_line: object  # Barrier(n): everybody starts together
    all_holding: object  # Barrier(n): the adversary's "everybody holds a fork"
    all_stuck: object  # Barrier(n): nobody lets go before everybody is stuck
    results: object  # Array of n ints: meals had, -1 for gave up


def _philosopher(
    rec: Recorder, table: Table, me: int, strategy: str, meals: int, eat: float, patience: float
) -> None:
    forks, seats, results = table.forks, table.seats, table.results
    n = len(forks)
    left, right = me, (me + 1) % n
    first, second = (min(left, right), max(left, right)) if strategy == "ordered" else (left, right)
    table.start_line.wait(TIMEOUT)
    for meal in range(meals):
        if seats is not None:
            with rec.span("blocked", "a seat"):
                _acquire(seats)
        with rec.span("blocked", f"fork {first}"):
            _acquire(forks[first])
        rec.mark(f"哲学家 {me} 拿起叉子 {first}", en=f"philosopher {me} picks up fork {first}")
        if meal == 0:  # the adversary: nobody goes on until everybody holds a fork
            with contextlib.suppress(threading.BrokenBarrierError):
                table.all_holding.wait(patience)  # broken: the circle could not close
        with rec.span("blocked", f"fork {second}"):
            got = forks[second].acquire(timeout=patience)
        if not got:
            rec.say(
                f"哲学家 {me} 拿着叉子 {first}，等不到叉子 {second}",
                en=f"philosopher {me} holds fork {first} and cannot get fork {second}",
            )
            with contextlib.suppress(threading.BrokenBarrierError):
                table.all_stuck.wait(patience)  # nobody lets go before everybody has noticed
            forks[first].release()
            if seats is not None:
                seats.release()
            results[me] = -1
            return
        with rec.span("running", "eating"):
            time.sleep(eat)
        forks[second].release()
        forks[first].release()
        if seats is not None:
            seats.release()
        results[me] += 1
    rec.say(f"哲学家 {me} 吃完了 {meals} 顿", en=f"philosopher {me} had {meals} meals")


@dataclass(frozen=True)
class Dinner:
    """A dinner of the philosophers: meals had, deadlock, who ate at once."""

    strategy: str
    meals: list[int]  # meals each philosopher had; -1: gave up, deadlocked
    deadlocked: bool  # every philosopher held one fork and waited in vain for the other
    max_eating: int
    neighbours_ate_together: bool
    timeline: Timeline


def dining_philosophers(
    ctx=None,
    strategy: str = "naive",
    n: int = 5,
    meals: int = 2,
    eat: float = 0.1,
    patience: float = 1.0,
) -> Dinner:
    """``n`` philosophers, ``n`` forks, under the schedule that deadlocks the naive table.

    Everybody starts together, picks up a first fork, then waits (up to
    ``patience``) until everybody holds one before reaching for the second,
    also with ``acquire(timeout=patience)``. ``naive``: left then right.
    ``ordered``: the lower-numbered fork first (one global order of resources).
    ``waiter``: left then right, but only ``n - 1`` seats at the table (a semaphore).
    """
    if strategy not in STRATEGIES:
        raise ValueError(f"strategy must be one of {STRATEGIES}, not {strategy!r}")
    if n < 2:
        raise ValueError(f"need at least 2 philosophers, got {n}")
    ctx = context(ctx)
    with recording() as rec:
        table = Table(
            forks=[ctx.Lock() for _ in range(n)],
            seats=ctx.Semaphore(n - 1) if strategy == "waiter" else None,
            start_line=ctx.Barrier(n),
            all_holding=ctx.Barrier(n),
            all_stuck=ctx.Barrier(n),
            results=ctx.Array("i", n, lock=False),  # each philosopher writes its own slot
        )
        procs = [
            ctx.Process(
                target=_philosopher,
                args=(rec, table, i, strategy, meals, eat, patience),
                name=f"philosopher-{i}",
            )
            for i in range(n)
        ]
        for p in procs:
            p.start()
        join_all(procs)
        timeline = rec.events()
        meals_had = list(table.results)
    eating = [s for s in timeline.spans() if s.text == "eating"]
    lane = {f"philosopher-{i}": i for i in range(n)}
    together = any(
        overlaps(a, b) for a in eating for b in eating if (lane[b.lane] - lane[a.lane]) % n == 1
    )
    return Dinner(
        strategy,
        meals_had,
        all(m == -1 for m in meals_had),
        timeline.max_overlap("running", "eating"),
        together,
        timeline,
    )


@example(eat=0.05, patience=0.3)
def philosophers_deadlock(ctx=None, eat: float = 0.1, patience: float = 1.0) -> Dinner:
    """Everybody takes the left fork first: the circle closes, and nobody eats."""
    return dining_philosophers(ctx, "naive", eat=eat, patience=patience)


@example(eat=0.05, patience=0.3)
def philosophers_ordered(ctx=None, eat: float = 0.1, patience: float = 1.0) -> Dinner:
    """Resource ordering: the lower-numbered fork first; the circle can never close."""
    return dining_philosophers(ctx, "ordered", eat=eat, patience=patience)


@example(eat=0.05, patience=0.3)
def philosophers_waiter(ctx=None, eat: float = 0.1, patience: float = 1.0) -> Dinner:
    """A waiter (a semaphore of n - 1 seats): never all n at the table at once."""
    return dining_philosophers(ctx, "waiter", eat=eat, patience=patience)


# --8<-- [end:philosophers]


if __name__ == "__main__":
    main("process_sync")
