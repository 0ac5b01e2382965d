"""§3.4.2 Communication between threads: one memory, shared by every thread.

Example 3-12 of the chapter runs example 3-3's two workers in threads instead
of processes and finds that the global variable is now shared. This module
shows that, what sharing costs (a read-modify-write can lose updates, and a
lock cures it), and the chapter's closing statement: the semaphores, locks,
queues and producer–consumer of §3.3 work for threads too — with
:mod:`threading` and :mod:`queue` — plus where threads and processes differ
(objects are passed, not copied; nothing is pickled; a ``threading.Lock`` has
no owner and does not cross process boundaries).

Every function runs real threads and returns what happened;
``python -m chapter3.thread_communication`` prints what each program would
have printed.
"""

from __future__ import annotations

import contextlib
import io
import multiprocessing
import os
import queue
import select
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from chapter3.outcomes import error_of
from chapter3.runner import example, main
from chapter3.timeline import Recorder, Timeline, recording
from chapter3.waiting import TIMEOUT, context, join_all


def _start_all(threads: list[threading.Thread]) -> list[threading.Thread]:
    for t in threads:
        t.start()
    return threads


# --8<-- [start:globals_in_threads]
share_num = 0  # a module global: one variable for the whole process


def _add_to_share(rec: Recorder, amount: int, who: str, seen: dict) -> None:
    global share_num  # assign to the module's variable, not to a new local
    share_num += amount
    seen[who] = (share_num, os.getpid())
    rec.say(f"{who}: share_num={share_num}", en=f"{who}: share_num={share_num}")


@dataclass(frozen=True)
class SharedGlobal:
    workers_saw: tuple[int, int]  # share_num right after each worker added to it
    main_saw: tuple[int, int]  # share_num in the main thread after each join
    pids: tuple[int, ...]  # the PID each thread (worker, worker, main) ran in
    main_thread_read: bool  # the reads after the joins ran in the main thread
    timeline: Timeline


@example("例 3-12")
def globals_in_threads() -> SharedGlobal:
    """Example 3-12: the two workers of example 3-3, run in threads one after the other.

    ``worker_1`` adds 20 and ``worker_2`` adds 100 to the module global
    ``share_num``; the main thread reads it after each join.
    """
    global share_num
    share_num = 0
    seen: dict[str, tuple[int, int]] = {}
    main_saw = []
    with recording() as rec:
        for who, amount in (("worker_1", 20), ("worker_2", 100)):
            t = threading.Thread(target=_add_to_share, args=(rec, amount, who, seen), name=who)
            t.start()
            with rec.span("blocked", "join"):
                join_all([t])
            main_saw.append(share_num)
            rec.say(
                f"{who} 结束后，主线程读到 share_num={share_num}",
                en=f"after {who}, the main thread reads share_num={share_num}",
            )
        return SharedGlobal(
            (seen["worker_1"][0], seen["worker_2"][0]),
            (main_saw[0], main_saw[1]),
            (seen["worker_1"][1], seen["worker_2"][1], os.getpid()),
            threading.current_thread() is threading.main_thread(),
            rec.events(),
        )


# --8<-- [end:globals_in_threads]


# --8<-- [start:same_name]
def _forgot_global(amount: int) -> None:
    # no `global` here: assigning makes `share_num` local to this function
    share_num += amount  # noqa: F823, F841


def _shadowing_local(amount: int) -> int:
    share_num = amount  # a new local that happens to have the global's name
    return share_num


@dataclass(frozen=True)
class SameName:
    error: str  # what `share_num += 20` without `global` raised in the thread
    local_value: int  # what the function assigned to its own `share_num`
    global_after: int  # the module's share_num afterwards: untouched
    timeline: Timeline


@example()
def same_name_without_global() -> SameName:
    """The same name is not the same variable: without ``global`` a thread writes a local."""
    global share_num
    share_num = 0
    out: dict = {}

    def body(rec: Recorder) -> None:
        try:
            _forgot_global(20)
        except UnboundLocalError as e:  # caught here: an uncaught one would only be printed
            out["error"] = f"{type(e).__name__}: {e}"
            rec.say(f"不写 global：{out['error']}", en=f"without global: {out['error']}")
        out["local"] = _shadowing_local(20)
        rec.say(
            f"赋值给同名局部变量：局部 share_num={out['local']}",
            en=f"assigning to a local of the same name: local share_num={out['local']}",
        )

    with recording() as rec:
        join_all(_start_all([threading.Thread(target=body, args=(rec,), name="worker")]))
        rec.say(
            f"主线程：全局 share_num={share_num}", en=f"main thread: global share_num={share_num}"
        )
        return SameName(out["error"], out["local"], share_num, rec.events())


# --8<-- [end:same_name]


# --8<-- [start:thread_local]
@dataclass(frozen=True)
class PerThread:
    saw: dict[str, str]  # thread name -> the value of `slot.owner` it read back
    main_has_attribute: bool  # does the main thread see any of their values?
    timeline: Timeline


@example(n=3)
def thread_local_values(n: int = 3) -> PerThread:
    """``threading.local``: one object, a separate set of attributes in each thread.

    Every thread writes its own name into ``slot.owner``, waits until all the
    others have written theirs, then reads it back.
    """
    slot = threading.local()
    all_written = threading.Barrier(n)
    saw: dict[str, str] = {}

    def body(rec: Recorder) -> None:
        me = threading.current_thread().name
        slot.owner = me
        with rec.span("blocked", "barrier"):
            all_written.wait(TIMEOUT)  # every thread has now assigned slot.owner
        saw[me] = slot.owner
        rec.say(f"{me} 读到 slot.owner={slot.owner}", en=f"{me} reads slot.owner={slot.owner}")

    with recording() as rec:
        threads = [threading.Thread(target=body, args=(rec,), name=f"t{i}") for i in range(n)]
        join_all(_start_all(threads))
        has = hasattr(slot, "owner")
        rec.say(f"主线程有 slot.owner 吗？{has}", en=f"does the main thread have slot.owner? {has}")
        return PerThread(saw, has, rec.events())


# --8<-- [end:thread_local]


# --8<-- [start:lost_update]
class Account:
    """A balance that threads update with a read, a pause, and a write."""

    def __init__(self) -> None:
        self.balance = 0


@dataclass(frozen=True)
class Interleaving:
    locked: bool
    reads: dict[str, int]  # thread name -> the balance it read
    final: int  # the balance after both threads added 1
    both_read_first: bool  # did both threads read before either wrote?
    timeline: Timeline

    @property
    def lost(self) -> int:
        """Updates lost: two deposits of 1 should leave a balance of 2."""
        return 2 - self.final


def _deposit(rec: Recorder, account: Account, lock, gates, pause: float, reads: dict) -> None:
    me = threading.current_thread().name
    both_started, both_read = gates
    both_started.wait(TIMEOUT)  # neither thread gets a head start
    if lock is not None:
        with rec.span("blocked", "lock.acquire"):
            if not lock.acquire(timeout=TIMEOUT):
                raise TimeoutError("lock.acquire")
    try:
        seen = reads[me] = account.balance  # read ...
        rec.say(f"{me} 读到 {seen}", en=f"{me} reads {seen}")
        try:
            with rec.span("blocked", "barrier"):
                both_read.wait(pause)  # ... let the other thread read too ...
        except threading.BrokenBarrierError:
            rec.mark(f"{me}：对方没能读", en=f"{me}: the other could not read")
        account.balance = seen + 1  # ... and write what we read, plus one
        rec.say(f"{me} 写入 {seen + 1}", en=f"{me} writes {seen + 1}")
    finally:
        if lock is not None:
            lock.release()


@example()
def lost_update(locked: bool = False, pause: float = 5.0) -> Interleaving:
    """Force the interleaving that loses an update: both threads read, then both write.

    The threads meet at a barrier between their read and their write; a thread
    that has read waits there up to ``pause`` seconds for the other to read too.
    Without a lock both pass it, both having read 0, and both write 1. With the
    lock held around read-and-write, the second thread is stuck in ``acquire``
    instead: the first one waits ``pause`` seconds at the barrier in vain, gives
    up (the barrier breaks), writes 1 and releases; only then can the second
    read, and it reads 1. ``pause`` decides how long that takes, not the result.
    """
    account = Account()
    lock = threading.Lock() if locked else None
    both_started, both_read = threading.Barrier(2), threading.Barrier(2)
    reads: dict[str, int] = {}
    with recording() as rec:
        threads = [
            threading.Thread(
                target=_deposit,
                args=(rec, account, lock, (both_started, both_read), pause, reads),
                name=name,
            )
            for name in ("A", "B")
        ]
        join_all(_start_all(threads))
        return Interleaving(locked, reads, account.balance, not both_read.broken, rec.events())


@example(pause=0.2)
def locked_update(pause: float = 1.0) -> Interleaving:
    """The same forced schedule as :func:`lost_update`, with a lock around read-and-write."""
    return lost_update(locked=True, pause=pause)


# --8<-- [end:lost_update]


# --8<-- [start:race_survey]
counter = 0  # the shared counter of the tight loops


def _one() -> int:
    return 1


def _add_plain(n: int, lock) -> None:
    global counter
    for _ in range(n):
        counter += 1


def _add_call(n: int, lock) -> None:
    global counter
    for _ in range(n):
        counter += _one()  # read counter, call a function, then write counter


def _add_call_locked(n: int, lock) -> None:
    global counter
    for _ in range(n):
        with lock:
            counter += _one()


LOOPS: dict[str, Callable[[int, object], None]] = {
    "counter += 1": _add_plain,
    "counter += one()": _add_call,
    "with lock: counter += one()": _add_call_locked,
}

#: None keeps the interpreter's switch interval (5 ms unless changed); 1e-6 is 1 µs.
SWITCH_INTERVALS: tuple[float | None, ...] = (None, 1e-6)


@dataclass(frozen=True)
class RaceStats:
    loop: str  # the statement each thread runs in its loop
    switch_interval: float  # sys.getswitchinterval() during these runs
    expected: int  # threads × increments: the count if no update is lost
    finals: tuple[int, ...]  # the counter after each run

    @property
    def runs_losing(self) -> int:
        """How many runs ended below ``expected``."""
        return sum(f < self.expected for f in self.finals)

    @property
    def frequency(self) -> float:
        """The fraction of runs that lost at least one update."""
        return self.runs_losing / len(self.finals)


@dataclass(frozen=True)
class RaceSurvey:
    stats: tuple[RaceStats, ...]
    timeline: Timeline

    def of(self, loop: str, switch_interval: float) -> RaceStats:
        """The statistics of one loop at one switch interval."""
        return next(
            s for s in self.stats if s.loop == loop and s.switch_interval == switch_interval
        )


def _count_once(rec: Recorder, loop, threads: int, increments: int) -> int:
    global counter
    counter = 0
    lock = threading.Lock()
    start = threading.Barrier(threads)

    def body() -> None:
        start.wait(TIMEOUT)  # all threads start counting together
        with rec.span("running", "counting"):
            loop(increments, lock)

    join_all(
        _start_all([threading.Thread(target=body, name=f"counter-{i}") for i in range(threads)])
    )
    return counter


@contextlib.contextmanager
def switch_interval(seconds: float | None):
    """Temporarily set :func:`sys.setswitchinterval` (``None``: leave it as it is)."""
    old = sys.getswitchinterval()
    try:
        if seconds is not None:
            sys.setswitchinterval(seconds)
        yield sys.getswitchinterval()
    finally:
        sys.setswitchinterval(old)


@example(runs=10, increments=100_000)
def race_survey(
    runs: int = 20,
    threads: int = 2,
    increments: int = 100_000,
    intervals: tuple[float | None, ...] = SWITCH_INTERVALS,
    loops: tuple[str, ...] = tuple(LOOPS),
) -> RaceSurvey:
    """Run each of :data:`LOOPS` in ``threads`` threads, ``runs`` times; count the lossy runs.

    Each loop is measured at every switch interval of ``intervals``: how often
    CPython asks the running thread to hand the interpreter to a waiting one.
    """
    stats = []
    with recording() as rec:
        for seconds in intervals:
            with switch_interval(seconds) as interval:
                for name in loops:
                    finals = tuple(
                        _count_once(rec, LOOPS[name], threads, increments) for _ in range(runs)
                    )
                    s = RaceStats(name, interval, threads * increments, finals)
                    stats.append(s)
                    rec.say(
                        f"切换间隔 {interval:g} s，{name}：{runs} 次运行中 {s.runs_losing} 次"
                        "丢失了更新",
                        en=f"switch interval {interval:g} s, {name}: {s.runs_losing} of {runs} "
                        "runs lost updates",
                    )
        return RaceSurvey(tuple(stats), rec.events())


# --8<-- [end:race_survey]


# --8<-- [start:semaphore]
def _use_resource(rec: Recorder, sem: threading.Semaphore, hold: float) -> None:
    me = threading.current_thread().name
    with rec.span("blocked", "sem.acquire"):
        if not sem.acquire(timeout=TIMEOUT):
            raise TimeoutError("sem.acquire")
    try:
        rec.say(f"{me} 拿到信号量", en=f"{me} acquired the semaphore")
        rec.sleep(hold, "holding")
    finally:
        sem.release()
    rec.say(f"{me} 归还信号量", en=f"{me} released the semaphore")


@dataclass(frozen=True)
class SemaphoreRun:
    permits: int
    workers: int
    max_holders: int  # most threads inside the guarded section at one moment
    timeline: Timeline


@example(hold=0.05)
def thread_semaphore(permits: int = 3, workers: int = 6, hold: float = 1.0) -> SemaphoreRun:
    """Example 3-7's second run with threads: ``workers`` threads, ``permits`` permits."""
    sem = threading.Semaphore(permits)
    with recording() as rec:
        threads = [
            threading.Thread(target=_use_resource, args=(rec, sem, hold), name=str(i))
            for i in range(workers)
        ]
        join_all(_start_all(threads))
        timeline = rec.events()
        return SemaphoreRun(permits, workers, timeline.max_overlap("waiting", "holding"), timeline)


# --8<-- [end:semaphore]


# --8<-- [start:semaphore_forced]
def _hold(rec: Recorder, sem, all_in: threading.Barrier, leave, inside: dict) -> None:
    me = threading.current_thread().name
    with rec.span("blocked", "sem.acquire"):
        if not sem.acquire(timeout=TIMEOUT):
            raise TimeoutError("sem.acquire")
    try:
        with rec.span("waiting", "holding"):
            try:
                all_in.wait()  # passes only once every holder is in here at the same time
                inside[me] = True
            except threading.BrokenBarrierError:
                inside[me] = False
            leave.wait(TIMEOUT)  # hold on until the main thread lets go
    finally:
        sem.release()


def _one_too_many(rec: Recorder, sem, patience: float, out: dict) -> None:
    with rec.span("blocked", "sem.acquire"):
        out["got_in"] = sem.acquire(timeout=patience)  # every permit is held: this must fail
    if out["got_in"]:
        sem.release()


@dataclass(frozen=True)
class Capacity:
    permits: int
    all_in_at_once: bool  # the `permits` holders met inside, all holding at the same time
    one_more_got_in: bool  # could one thread more acquire while they held?
    got_in_after: bool  # could it once they had released?
    timeline: Timeline


@example(patience=0.2)
def semaphore_capacity(permits: int = 3, patience: float = 1.0, gather: float = 5.0) -> Capacity:
    """Force a ``Semaphore(permits)`` to its limit: ``permits`` holders at once, then one more.

    The holders meet at a barrier inside the guarded section, with the main
    thread: it can only fill up if all of them hold the semaphore at the same
    time (``gather`` seconds at most). While they keep holding, one more thread
    tries to acquire for ``patience`` seconds.
    """
    sem = threading.Semaphore(permits)
    all_in, leave = threading.Barrier(permits + 1, timeout=gather), threading.Event()
    inside: dict[str, bool] = {}
    out: dict[str, bool] = {}
    with recording() as rec:
        holders = [
            threading.Thread(target=_hold, args=(rec, sem, all_in, leave, inside), name=f"h{i}")
            for i in range(permits)
        ]
        try:
            _start_all(holders)
            try:
                all_in.wait()
                together = True
            except threading.BrokenBarrierError:
                together = False
            rec.say(
                f"{permits} 个持有者同时在临界区里：{together}",
                en=f"all {permits} holders inside at the same time: {together}",
            )
            extra = threading.Thread(
                target=_one_too_many, args=(rec, sem, patience, out), name="one-more"
            )
            join_all(_start_all([extra]))
            rec.say(
                f"它们持有期间，第 {permits + 1} 个线程拿到了吗？{out['got_in']}",
                en=f"while they hold it, did thread number {permits + 1} get in? {out['got_in']}",
            )
        finally:
            leave.set()
            join_all(holders)
        after = sem.acquire(timeout=TIMEOUT)
        if after:
            sem.release()
        rec.say(f"它们离开之后呢？{after}", en=f"and once they have left? {after}")
        return Capacity(
            permits, together and all(inside.values()), out["got_in"], after, rec.events()
        )


# --8<-- [end:semaphore_forced]


# --8<-- [start:bounded_queue]
@dataclass(frozen=True)
class QueueRun:
    put_on_full: str  # what put(timeout=...) raised while the queue was full
    get_on_empty: str  # what get(timeout=...) raised while it was empty
    blocked_put_returned_after_get: bool  # the 3rd put returned only after main's get
    order: list[str]  # the items in the order main got them
    timeline: Timeline
    put_was_waiting: bool = False  # the 3rd put was waiting inside put() when main took one


def waiting_in(thread: threading.Thread, caller: str) -> bool:
    """Is ``thread`` in a Condition's ``wait``, called (maybe indirectly) by ``caller``?"""
    frame = sys._current_frames().get(thread.ident)
    if frame is None or frame.f_code.co_name != "wait":
        return False
    while frame is not None and frame.f_code.co_name != caller:
        frame = frame.f_back
    return frame is not None


def wait_until(condition: Callable[[], bool], timeout: float = TIMEOUT) -> bool:
    """Ask ``condition`` every millisecond until it holds; False if it never did in time."""
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            return False
        time.sleep(0.001)
    return True


@example(patience=0.05)
def bounded_queue(size: int = 2, patience: float = 0.5) -> QueueRun:
    """A ``queue.Queue(size)`` between two threads: full blocks put, empty blocks get.

    ``patience`` is how long the calls that are bound to fail wait before they
    raise ``queue.Full`` / ``queue.Empty``.
    """
    q: queue.Queue[str] = queue.Queue(size)
    full, out = threading.Event(), {}
    with recording() as rec:
        try:
            q.get(timeout=patience)
        except queue.Empty as e:
            out["empty"] = type(e).__name__
            rec.say(
                f"空队列：get 等了 {patience} s 后抛出 queue.Empty",
                en=f"empty queue: get raised queue.Empty after {patience} s",
            )

        def producer() -> None:
            for i in range(size):
                q.put(f"item-{i}", timeout=TIMEOUT)
            try:
                q.put("extra", timeout=patience)
            except queue.Full as e:
                out["full"] = type(e).__name__
                rec.say(
                    f"满队列：put 等了 {patience} s 后抛出 queue.Full",
                    en=f"full queue: put raised queue.Full after {patience} s",
                )
            full.set()
            with rec.span("blocked", "put"):
                q.put(f"item-{size}", timeout=TIMEOUT)  # blocks until main takes one
            rec.mark("第三次 put 返回", en="the blocked put returns")

        t = threading.Thread(target=producer, name="producer")
        t.start()
        full.wait(TIMEOUT)
        # Only once the producer is really waiting inside its third put:
        waiting = wait_until(lambda: waiting_in(t, "put") or not t.is_alive()) and t.is_alive()
        rec.mark("主线程取出一个", en="main takes one item")
        order = [q.get(timeout=TIMEOUT)]
        join_all([t])
        order += [q.get(timeout=TIMEOUT) for _ in range(size)]
        timeline = rec.events()
        after = timeline.said("第三次 put 返回").t > timeline.said("主线程取出一个").t
        return QueueRun(out["full"], out["empty"], after, order, timeline, waiting)


# --8<-- [end:bounded_queue]


# --8<-- [start:queue_join]
@dataclass(frozen=True)
class JoinRun:
    done_before_last_task_done: bool  # did q.join() return while a task was unfinished?
    done_after: bool  # did it return once every task was marked done?
    timeline: Timeline
    set_up: bool = False  # at that check the queue was empty, and the joiner inside q.join()


@example(patience=0.05)
def queue_join(patience: float = 0.5) -> JoinRun:
    """``q.join()`` waits for a ``task_done()`` per item put, not for the queue to be empty."""
    q: queue.Queue[str] = queue.Queue()
    finish_second = threading.Event()
    joined = threading.Event()
    for item in ("a", "b"):
        q.put(item)
    with recording() as rec:

        def worker() -> None:
            for _ in range(2):
                item = q.get(timeout=TIMEOUT)
                if item == "b":
                    finish_second.wait(TIMEOUT)
                rec.say(f"worker 处理完 {item}", en=f"worker is done with {item}")
                q.task_done()

        def joiner() -> None:
            with rec.span("blocked", "q.join"):
                q.join()
            joined.set()

        threads = _start_all(
            [
                threading.Thread(target=worker, name="worker"),
                threading.Thread(target=joiner, name="joiner"),
            ]
        )
        # "b" is taken out of the queue but not done yet, and the joiner waits in q.join():
        set_up = wait_until(lambda: q.empty() and waiting_in(threads[1], "join"))
        early = joined.wait(patience)
        rec.say(
            f"队列已空，但 b 尚未 task_done：join 返回了吗？{early}",
            en=f"queue empty, b not task_done yet: has join returned? {early}",
        )
        finish_second.set()
        late = joined.wait(TIMEOUT)
        join_all(threads)
        return JoinRun(early, late, rec.events(), set_up)


# --8<-- [end:queue_join]


# --8<-- [start:producer_consumer]
class PeakQueue(queue.Queue):
    """A ``queue.Queue`` that remembers the most items it ever held.

    ``_put`` runs with the queue's own mutex held, so the peak is exact.
    """

    def _init(self, maxsize: int) -> None:
        super()._init(maxsize)
        self.peak = 0

    def _put(self, item) -> None:
        super()._put(item)
        self.peak = max(self.peak, self._qsize())


def _produce(rec: Recorder, q: queue.Queue, items: int, make: float) -> None:
    me = threading.current_thread().name
    for i in range(items):
        rec.sleep(make, "making")
        with rec.span("blocked", "put"):
            q.put((me, i), timeout=TIMEOUT)
        rec.say(f"{me} 做好包子 {i}", en=f"{me} made bun {i}")
    q.put(None, timeout=TIMEOUT)  # a sentinel: this producer has finished
    rec.say(f"{me} 下班", en=f"{me} is done")


def _consume(rec: Recorder, q: queue.Queue, producers: int, eat: float, eaten: list) -> None:
    me = threading.current_thread().name
    finished = 0
    while finished < producers:  # one sentinel per producer
        with rec.span("blocked", "get"):
            item = q.get(timeout=TIMEOUT)
        if item is None:
            finished += 1
            continue
        eaten.append(item)
        rec.say(f"{me} 吃 {item[0]} 的包子 {item[1]}", en=f"{me} eats {item[0]}'s bun {item[1]}")
        rec.sleep(eat, "eating")
    rec.say(f"{me} 吃完了", en=f"{me} has eaten everything")


@dataclass(frozen=True)
class ProducerConsumer:
    size: int
    made: int  # items the producers put
    eaten: list[tuple[str, int]]  # (producer, number) in the order the consumer got them
    peak: int  # most items the buffer ever held
    left: int  # items (sentinels included) still in the buffer at the end
    alive: list[str]  # threads still alive after the joins
    timeline: Timeline


@example(items=3, make=0.01, eat=0.02)
def thread_producer_consumer(
    size: int = 2, items: int = 5, make: float = 0.5, eat: float = 1.0
) -> ProducerConsumer:
    """Example 3-9 with threads: Tom and Jerry make ``items`` buns each, 小明 eats them all.

    The buffer is a ``queue.Queue(size)``; each producer puts a ``None``
    sentinel when it is done, and the consumer stops after one per producer.
    """
    q = PeakQueue(size)
    eaten: list[tuple[str, int]] = []
    producers = ("Tom", "Jerry")
    with recording() as rec:
        threads = [
            threading.Thread(target=_produce, args=(rec, q, items, make), name=name)
            for name in producers
        ]
        threads.append(
            threading.Thread(
                target=_consume, args=(rec, q, len(producers), eat, eaten), name="小明"
            )
        )
        join_all(_start_all(threads))
        return ProducerConsumer(
            size,
            items * len(producers),
            eaten,
            q.peak,
            q.qsize(),
            [t.name for t in threads if t.is_alive()],
            rec.events(),
        )


# --8<-- [end:producer_consumer]


# --8<-- [start:stuck_producers]
def _produce_until_abandoned(
    rec: Recorder, q: queue.Queue, items: int, consumer_gone: threading.Event, made: dict
) -> None:
    me = threading.current_thread().name
    made[me] = 0
    for i in range(items):
        while True:
            try:
                q.put((me, i), timeout=0.05)
                break
            except queue.Full:
                if consumer_gone.is_set():  # full, and nobody will ever take from it
                    rec.say(f"{me} 被阻塞：传送带满了", en=f"{me} is blocked: the belt is full")
                    return
        made[me] += 1


def _eat_some(rec: Recorder, q: queue.Queue, eats: int, gone: threading.Event) -> None:
    me = threading.current_thread().name
    try:
        for _ in range(eats):
            item = q.get(timeout=TIMEOUT)
            rec.say(
                f"{me} 吃 {item[0]} 的包子 {item[1]}", en=f"{me} eats {item[0]}'s bun {item[1]}"
            )
        rec.say(f"{me} 吃饱了，走了", en=f"{me} is full and leaves")
    finally:
        gone.set()


@dataclass(frozen=True)
class Abandoned:
    made: dict[str, int]  # buns each producer managed to put on the belt
    eaten: int
    left_on_belt: int
    timeline: Timeline


@example()
def stuck_producers(size: int = 2, items: int = 5, eats: int = 5) -> Abandoned:
    """Example 3-9's own run with threads: 小明 stops after ``eats`` buns, the belt fills up.

    The chapter's producers then wait forever on a full queue. Here they notice
    that the consumer has gone and give up instead, so the program ends.
    """
    q: queue.Queue = queue.Queue(size)
    gone = threading.Event()
    made: dict[str, int] = {}
    with recording() as rec:
        threads = [
            threading.Thread(
                target=_produce_until_abandoned, args=(rec, q, items, gone, made), name=name
            )
            for name in ("Tom", "Jerry")
        ]
        threads.append(threading.Thread(target=_eat_some, args=(rec, q, eats, gone), name="小明"))
        join_all(_start_all(threads))
        return Abandoned(made, eats, q.qsize(), rec.events())


# --8<-- [end:stuck_producers]


# --8<-- [start:same_object]
def _touch(inbox, outbox) -> None:
    item = inbox.get(timeout=TIMEOUT)
    item.append("touched")
    outbox.put(item)


@dataclass(frozen=True)
class Passing:
    thread_same_object: bool  # queue.Queue + thread: is what came back the object sent?
    thread_change_seen: bool  # does the sender's object show the receiver's change?
    process_same_object: bool  # multiprocessing.Queue + process
    process_change_seen: bool
    process_equal: bool  # the copy that came back equals the sent object plus the change
    timeline: Timeline


@example()
def same_object_or_copy(ctx=None) -> Passing:
    """Send a list to a thread (``queue.Queue``) and to a process (``ctx.Queue``) and back.

    The receiver appends ``"touched"`` and sends the list back.
    """
    ctx = context(ctx)
    with recording() as rec:
        sent_t = ["bun"]
        inbox, outbox = queue.Queue(), queue.Queue()
        t = threading.Thread(target=_touch, args=(inbox, outbox), name="thread")
        t.start()
        inbox.put(sent_t)
        back_t = outbox.get(timeout=TIMEOUT)
        join_all([t])
        rec.say(
            f"线程：取回的是同一个对象？{back_t is sent_t}；原对象 = {sent_t}",
            en=f"thread: same object back? {back_t is sent_t}; the original = {sent_t}",
        )

        sent_p = ["bun"]
        pin, pout = ctx.Queue(), ctx.Queue()
        try:
            p = ctx.Process(target=_touch, args=(pin, pout), name="process")
            p.start()
            pin.put(sent_p)
            back_p = pout.get(timeout=TIMEOUT)
            join_all([p])
        finally:
            for mq in (pin, pout):
                mq.close()
                mq.join_thread()
        rec.say(
            f"进程：取回的是同一个对象？{back_p is sent_p}；原对象 = {sent_p}；取回 = {back_p}",
            en=f"process: same object back? {back_p is sent_p}; the original = {sent_p}; "
            f"got back = {back_p}",
        )
        return Passing(
            back_t is sent_t,
            "touched" in sent_t,
            back_p is sent_p,
            "touched" in sent_p,
            back_p == [*sent_p, "touched"],
            rec.events(),
        )


# --8<-- [end:same_object]


# --8<-- [start:no_pickling]
@dataclass(frozen=True)
class Unpicklable:
    through_queue_queue: bool  # a lambda and a lock went through queue.Queue, same objects
    pipe_send_error: str  # what Connection.send(lambda) raised
    mp_queue_put_returned: bool  # multiprocessing.Queue.put(lambda) returned normally ...
    mp_queue_got: str  # ... and then what get(timeout=...) gave
    feeder_printed: str  # last line the queue's feeder thread printed to stderr
    timeline: Timeline


@example(patience=0.2)
def unpicklable_objects(ctx=None, patience: float = 1.0) -> Unpicklable:
    """Objects that cannot be pickled pass between threads, but not through process channels."""
    ctx = context(ctx)
    things = [lambda: 42, threading.Lock()]
    with recording() as rec:
        q: queue.Queue = queue.Queue()
        t = threading.Thread(target=lambda: [q.put(x) for x in things], name="sender")
        t.start()
        got = [q.get(timeout=TIMEOUT) for _ in things]
        join_all([t])
        ok = all(a is b for a, b in zip(got, things, strict=True))
        rec.say(
            f"queue.Queue 传递 lambda 和锁：{ok}",
            en=f"queue.Queue passes a lambda and a lock: {ok}",
        )

        a, b = ctx.Pipe()
        try:
            a.send(things[0])
            send_error = "no error"
        except Exception as e:  # pickle.PicklingError, or AttributeError on some versions
            send_error = type(e).__name__
        finally:
            a.close()
            b.close()
        rec.say(f"Pipe.send(lambda) 抛出 {send_error}", en=f"Pipe.send(lambda) raised {send_error}")

        mq = ctx.Queue()
        err = io.StringIO()
        try:
            with contextlib.redirect_stderr(err):  # the feeder thread reports to sys.stderr
                returned = mq.put(things[0]) is None
                try:
                    mq.get(timeout=patience)
                    got_mp = "the item"
                except queue.Empty:
                    got_mp = "queue.Empty"
        finally:
            mq.close()
            mq.join_thread()
        lines = err.getvalue().strip().splitlines()
        rec.say(
            f"multiprocessing.Queue.put(lambda) 正常返回，之后 get 得到 {got_mp}",
            en=f"multiprocessing.Queue.put(lambda) returned, then get gave {got_mp}",
        )
        return Unpicklable(
            ok, send_error, returned, got_mp, lines[-1] if lines else "", rec.events()
        )


# --8<-- [end:no_pickling]


# --8<-- [start:lock_ownership]
@dataclass(frozen=True)
class Ownership:
    lock_released_by_other: bool  # a Lock acquired by main, released by another thread
    rlock_other_release: str  # what RLock.release() raised in a thread that does not own it
    rlock_reentrant: bool  # the owner can acquire its RLock again without blocking
    release_unlocked: str  # what releasing an unlocked Lock raised
    timeline: Timeline


@example()
def lock_ownership() -> Ownership:
    """A ``Lock`` belongs to nobody; an ``RLock`` belongs to the thread that acquired it."""
    lock, rlock = threading.Lock(), threading.RLock()
    out: dict = {}
    with recording() as rec:
        lock.acquire()
        rlock.acquire()

        def other() -> None:
            lock.release()  # allowed: any thread may release a Lock
            out["rlock"] = error_of(rlock.release)
            rec.say("另一线程释放了主线程的 Lock", en="another thread released main's Lock")
            rec.say(
                f"另一线程释放 RLock：{out['rlock']}",
                en=f"another thread releases the RLock: {out['rlock']}",
            )

        join_all(_start_all([threading.Thread(target=other, name="other")]))
        released = lock.acquire(timeout=0)  # free again?
        if released:
            lock.release()
        reentrant = rlock.acquire(timeout=0)  # the owner may take it again ...
        rlock.release()
        rlock.release()  # ... and releases it as many times as it acquired it
        unlocked = error_of(lock.release)
        rec.say(f"释放未上锁的 Lock：{unlocked}", en=f"releasing an unlocked Lock: {unlocked}")
        return Ownership(released, out["rlock"], reentrant, unlocked, rec.events())


# --8<-- [end:lock_ownership]


# --8<-- [start:lock_across_processes]
def _take_lock(rec: Recorder, lock, ready, go, answer) -> None:
    ready.set()
    go.wait(TIMEOUT)
    got = lock.acquire(timeout=0)  # the parent holds it now: this should fail
    if got:
        lock.release()
    rec.say(f"子进程拿到了锁？{got}", en=f"did the child get the lock? {got}")
    answer.put(got)


@dataclass(frozen=True)
class AcrossProcesses:
    method: str
    threading_lock: str  # "TypeError: ..." at start(), or "child acquired it too: True/False"
    multiprocessing_lock: str  # the same for ctx.Lock()
    timeline: Timeline


def _child_tries(ctx, rec: Recorder, lock, kind: str) -> str:
    ready, go, answer = ctx.Event(), ctx.Event(), ctx.SimpleQueue()
    p = ctx.Process(target=_take_lock, args=(rec, lock, ready, go, answer), name=f"child-{kind}")
    try:
        try:
            p.start()
        except TypeError as e:  # the lock had to be pickled, and cannot be
            rec.say(f"{kind}：start() 抛出 TypeError", en=f"{kind}: start() raised TypeError")
            return f"TypeError: {e}"
        ready.wait(TIMEOUT)
        with lock:  # taken after the child exists: a forked copy is still unlocked
            rec.say(f"{kind}：父进程拿着锁", en=f"{kind}: the parent holds the lock")
            go.set()
            join_all([p])
        if answer.empty():
            raise RuntimeError(f"the child exited with {p.exitcode} without answering")
        return f"child acquired it too: {answer.get()}"
    finally:
        answer.close()


@example()
def lock_in_a_child(ctx=None) -> AcrossProcesses:
    """The parent holds a lock; can a child process acquire it at the same time?

    Tried with a ``threading.Lock`` and with the context's ``Lock``.
    """
    ctx = context(ctx)
    with recording() as rec:
        return AcrossProcesses(
            ctx.get_start_method(),
            _child_tries(ctx, rec, threading.Lock(), "threading.Lock"),
            _child_tries(ctx, rec, ctx.Lock(), "multiprocessing.Lock"),
            rec.events(),
        )


# --8<-- [end:lock_across_processes]


# --8<-- [start:lock_at_fork]
def _try_my_copy(rec: Recorder, lock, go, patience: float, answer) -> None:
    go.wait(TIMEOUT)
    got = lock.acquire(timeout=patience)
    if got:
        lock.release()
    rec.say(f"子进程拿到了自己那份锁？{got}", en=f"did the child get its copy of the lock? {got}")
    answer.put(got)


@dataclass(frozen=True)
class AtFork:
    held_at_fork: bool  # child's acquire of a lock that was locked when it forked (then freed)
    free_at_fork: bool  # child's acquire of a lock free at fork, while the parent holds its own
    timeline: Timeline


def _fork_and_try(ctx, rec: Recorder, held: bool, patience: float) -> bool:
    lock, go, answer = threading.Lock(), ctx.Event(), ctx.SimpleQueue()
    if held:
        lock.acquire()  # locked when the child is forked: its copy starts out locked
    child = ctx.Process(
        target=_try_my_copy, args=(rec, lock, go, patience, answer), name=f"held={held}"
    )
    try:
        child.start()
        if held:
            lock.release()  # the parent's lock is free again; the child's copy is not
        else:
            lock.acquire()  # taken after the fork: the child's copy stays free
        rec.say(
            f"父进程：锁{'已释放' if held else '在手'}，叫子进程去拿",
            en=f"parent: lock {'released' if held else 'held'}; the child may try now",
        )
        go.set()
        join_all([child])
        if answer.empty():
            raise RuntimeError(f"the child exited with {child.exitcode} without answering")
        return answer.get()
    finally:
        if lock.locked():
            lock.release()
        answer.close()


@example(patience=0.2)
def lock_copied_at_fork(patience: float = 1.0) -> AtFork:
    """Fork copies a ``threading.Lock`` as it is: locked if it was held at the fork.

    The child tries to acquire its copy for ``patience`` seconds, once for a lock
    the parent held when it forked (and released right after), once for a lock
    that was free at the fork (and that the parent took right after). Only the
    fork start method copies a ``threading.Lock`` into a child at all.
    """
    ctx = multiprocessing.get_context("fork")  # ValueError where there is no fork
    with recording() as rec:
        held = _fork_and_try(ctx, rec, held=True, patience=patience)
        free = _fork_and_try(ctx, rec, held=False, patience=patience)
        return AtFork(held, free, rec.events())


# --8<-- [end:lock_at_fork]


# --8<-- [start:pipes]
@dataclass(frozen=True)
class Pipes:
    threading_has_pipe: bool
    connection_equal: bool  # multiprocessing.Pipe between threads: equal object arrived ...
    connection_same: bool  # ... but is it the same object?
    os_pipe_bytes: bytes  # what an os.pipe carried from one thread to another
    timeline: Timeline


@example()
def pipes_between_threads() -> Pipes:
    """No ``threading.Pipe`` exists; ``multiprocessing.Pipe`` and ``os.pipe`` join threads."""
    with recording() as rec:
        a, b = multiprocessing.Pipe()
        sent = {"bun": 1}
        try:
            t = threading.Thread(target=a.send, args=(sent,), name="sender")
            t.start()
            got = b.recv() if b.poll(TIMEOUT) else None
            join_all([t])
        finally:
            a.close()
            b.close()
        rec.say(
            f"multiprocessing.Pipe：收到 {got}，相等 {got == sent}，同一对象 {got is sent}",
            en=f"multiprocessing.Pipe: got {got}, equal {got == sent}, same object {got is sent}",
        )

        r, w = os.pipe()
        chunks = []
        try:

            def write() -> None:
                os.write(w, "包子".encode())

            t = threading.Thread(target=write, name="writer")
            t.start()
            join_all([t])
            os.close(w)
            w = -1
            while select.select([r], [], [], TIMEOUT)[0]:
                chunk = os.read(r, 1024)
                if not chunk:
                    break  # end of file: the writing end is closed
                chunks.append(chunk)
        finally:
            os.close(r)
            if w != -1:
                os.close(w)
        data = b"".join(chunks)
        rec.say(f"os.pipe：读到字节 {data!r}", en=f"os.pipe: read the bytes {data!r}")
        return Pipes(hasattr(threading, "Pipe"), got == sent, got is sent, data, rec.events())


# --8<-- [end:pipes]


# --8<-- [start:bad_input]
def _filled(q: queue.Queue, n: int) -> queue.Queue:
    for i in range(n):
        q.put(i)
    return q


@dataclass(frozen=True)
class BadInput:
    outcomes: dict[str, str]  # the call -> what it raised, or what it returned
    timeline: Timeline


@example()
def bad_input() -> BadInput:
    """What :mod:`threading` and :mod:`queue` do with calls that make no sense."""
    bounded = threading.BoundedSemaphore(1)
    plain = threading.Semaphore(1)
    plain.release()  # a plain Semaphore just counts up: now 2 permits
    permits = sum(plain.acquire(timeout=0) for _ in range(3))
    outcomes = {
        "Semaphore(-1)": error_of(lambda: threading.Semaphore(-1)),
        "BoundedSemaphore(1).release()": error_of(bounded.release),
        "Semaphore(1).release(); permits": str(permits),
        "Queue().get(timeout=-1)": error_of(lambda: queue.Queue().get(timeout=-1)),
        "Queue(1).put(x, timeout=-1)": error_of(lambda: queue.Queue(1).put(0, timeout=-1)),
        "Queue().put(x, timeout=-1)": error_of(lambda: queue.Queue().put(0, timeout=-1)),
        "Queue(0).full() after 3 puts": str(_filled(queue.Queue(0), 3).full()),
        "Queue(-1).full() after 3 puts": str(_filled(queue.Queue(-1), 3).full()),
        "Queue().task_done()": error_of(queue.Queue().task_done),
        "Lock().acquire(timeout=-2)": error_of(lambda: threading.Lock().acquire(timeout=-2)),
        "Lock().acquire(False, timeout=1)": error_of(
            lambda: threading.Lock().acquire(False, timeout=1)
        ),
    }
    with recording() as rec:
        for call, outcome in outcomes.items():
            rec.say(f"{call} → {outcome}")
        return BadInput(outcomes, rec.events())


# --8<-- [end:bad_input]


if __name__ == "__main__":
    main("thread_communication")
