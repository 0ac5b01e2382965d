"""§3.3.2 Inter-process communication: globals, shared memory, pipes and queues.

Each function runs real processes and returns what happened: the values each
process saw, what arrived where, and a timeline in which the time spent
blocked (``join``, ``recv``, ``get``, a lock) is visible.
``python -m chapter3.process_communication`` runs the chapter's examples
(例 3-3 … 例 3-6) at the chapter's settings and prints what they would print.

Where the chapter's outcome depends on timing, the functions take a switch that
forces each possible outcome on purpose with Events, so that every outcome can
be tested instead of hoped for.
"""

from __future__ import annotations

import collections
import fcntl
import multiprocessing
import multiprocessing.util
import os
import queue
import re
import signal
import termios
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import psutil

from chapter3.runner import example, main
from chapter3.timeline import Recorder, Timeline, recording
from chapter3.waiting import TIMEOUT, context, join_all


def _numbers_said(timeline: Timeline, lane: str) -> list[int]:
    """The number at the end of each line a lane said (``share_num = 20`` -> 20)."""
    ends = (
        re.search(r"(-?\d+)\s*$", e.text) for e in timeline if e.kind == "say" and e.lane == lane
    )
    return [int(m.group(1)) for m in ends if m]


class _NoRecorder:
    """Stands in for a :class:`Recorder` where no timeline is wanted: records nothing."""

    def say(self, *args, **kwargs) -> None:
        pass

    def mark(self, *args, **kwargs) -> None:
        pass

    def sleep(self, seconds: float, text: str = "") -> None:
        time.sleep(seconds)

    @contextmanager
    def span(self, *args, **kwargs) -> Iterator[None]:
        yield


# ----------------------------------------------------------------------------------------
# 例 3-3 — a global variable is not shared between processes
# ----------------------------------------------------------------------------------------

# --8<-- [start:globals]
share_num = 0  # a module global: every process has its own


def _add_to_global(rec: Recorder, amount: int) -> None:
    global share_num
    share_num += amount
    name = multiprocessing.current_process().name
    rec.say(f"{name}：share_num = {share_num}", en=f"{name}: share_num = {share_num}")


@dataclass(frozen=True)
class Globals:
    method: str
    start_value: int  # share_num in the parent when the children were started
    in_children: tuple[int, ...]  # share_num as each child saw it after adding
    in_parent: tuple[int, ...]  # share_num in the parent after each join
    timeline: Timeline


@example("例 3-3")
def globals_in_processes(
    ctx=None, start_value: int = 0, names: tuple[str, str] = ("worker_1", "worker_2")
) -> Globals:
    """The chapter's two workers add 20 and 100 to a global; the parent looks after each.

    ``start_value`` is what the parent stores in the global *before* it starts the
    children (the chapter: 0). ``names`` are the names of the two processes.
    """
    global share_num
    ctx = context(ctx)
    share_num = start_value
    try:
        with recording() as rec:
            in_parent = []
            for amount, name in zip((20, 100), names, strict=True):
                child = ctx.Process(target=_add_to_global, args=(rec, amount), name=name)
                child.start()
                with rec.span("blocked", "join()"):
                    join_all([child])  # start, then join: one child after the other
                in_parent.append(share_num)
                rec.say(
                    f"{name} 结束后，主进程的 share_num = {share_num}",
                    en=f"after {name}, the parent's share_num = {share_num}",
                )
            timeline = rec.events()
            in_children = tuple(n for lane in names for n in _numbers_said(timeline, lane))
            method = ctx.get_start_method()
            return Globals(method, start_value, in_children, tuple(in_parent), timeline)
    finally:
        share_num = 0


# --8<-- [end:globals]


# --8<-- [start:globals_by_method]
@dataclass(frozen=True)
class ByMethod:
    in_children: dict[str, tuple[int, ...]]  # start method -> what the two children saw
    in_parent: dict[str, tuple[int, ...]]  # start method -> what the parent saw
    timeline: Timeline


@example()
def globals_by_method(start_value: int = 7) -> ByMethod:
    """例 3-3 under every start method, the parent having set the global to ``start_value``.

    A forked child starts with a copy of the parent's memory as it is at
    ``start()``; a spawned child, or one forked from the fork server, imports
    the module afresh and starts from the value written in the source.
    """
    runs = {}
    for method in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context(method)
        runs[method] = globals_in_processes(ctx, start_value, (f"{method}-1", f"{method}-2"))
    return ByMethod(
        {m: r.in_children for m, r in runs.items()},
        {m: r.in_parent for m, r in runs.items()},
        Timeline([e for r in runs.values() for e in r.timeline]),
    )


# --8<-- [end:globals_by_method]


# ----------------------------------------------------------------------------------------
# 例 3-4 — Value and Array: memory the processes really share
# ----------------------------------------------------------------------------------------

# --8<-- [start:shared]
PI_ISH = 3.1415927  # what the chapter's child writes into the shared Value


def _write_shared(rec: Recorder, num, arr, pause_after: int | None, paused, go) -> None:
    """Write ``num``, then negate ``arr`` element by element: ``1 + len(arr)`` writes.

    With ``pause_after = k`` the child stops after its first ``k`` writes, says
    so with ``paused`` and waits for ``go``: the parent can look at that moment.
    """
    for step in range(len(arr) + 2):
        if step == pause_after:
            paused.set()
            with rec.span("blocked", "go.wait()"):
                go.wait(TIMEOUT)
        if step == 0:
            num.value = PI_ISH
            rec.mark("value 已写入", en="value written")
        elif step <= len(arr):
            arr[step - 1] = -arr[step - 1]
    rec.mark("全部写完", en="all written")


@dataclass(frozen=True)
class Snapshot:
    value: float
    array: list[int]


@dataclass(frozen=True)
class Shared:
    seen: Snapshot  # what the parent read
    timeline: Timeline


@example("例 3-4")
def shared_value_and_array(ctx=None, size: int = 10) -> Shared:
    """The chapter's example: a child writes a shared double and negates a shared array."""
    ctx = context(ctx)
    with recording() as rec:
        num = ctx.Value("d", 0.0)  # 'd': a C double, 0.0 to begin with
        arr = ctx.Array("i", range(size))  # 'i': C ints 0 … size-1
        child = ctx.Process(
            target=_write_shared, args=(rec, num, arr, None, None, None), name="writer"
        )
        child.start()
        with rec.span("blocked", "join()"):
            join_all([child])  # the writes are finished when join returns
        seen = Snapshot(num.value, arr[:])
        rec.say(f"共享变量的值 = {seen.value}", en=f"shared value = {seen.value}")
        rec.say(f"共享数组的值 = {seen.array}", en=f"shared array = {seen.array}")
        return Shared(seen, rec.events())


# --8<-- [end:shared]


# --8<-- [start:peek]
MOMENTS = ("before", "midway", "after")  # when the parent looks


def peek(ctx=None, size: int = 10, moment: str = "before", rec: Recorder | None = None) -> Snapshot:
    """Read the shared values *without* join, at a moment forced with Events.

    ``before``: the child is running but has written nothing; ``midway``: it has
    written the Value and the first half of the array; ``after``: it has
    written everything (and may still be running).
    """
    if moment not in MOMENTS:
        raise ValueError(f"moment must be one of {sorted(MOMENTS)}, not {moment!r}")
    ctx = context(ctx)
    rec = rec or _NoRecorder()
    pause_after = {"before": 0, "midway": 1 + size // 2, "after": 1 + size}[moment]
    num, arr = ctx.Value("d", 0.0), ctx.Array("i", range(size))
    paused, go = ctx.Event(), ctx.Event()
    child = ctx.Process(
        target=_write_shared,
        args=(rec, num, arr, pause_after, paused, go),
        name=moment,
    )
    child.start()
    try:
        if not paused.wait(TIMEOUT):
            raise TimeoutError("the writer never reached its pause")
        seen = Snapshot(num.value, arr[:])  # no join: the child is still alive
        rec.say(
            f"{moment}：value = {seen.value}，array = {seen.array}",
            en=f"{moment}: value = {seen.value}, array = {seen.array}",
        )
    finally:
        go.set()
        join_all([child])
    return seen


@example(size=6)
def read_without_join(ctx=None, size: int = 10) -> Peeks:
    """The three things a parent that does not join can see, each forced on purpose."""
    with recording() as rec:
        seen = {m: peek(ctx, size, m, rec) for m in MOMENTS}
        return Peeks(seen, rec.events())


@dataclass(frozen=True)
class Peeks:
    seen: dict[str, Snapshot]
    timeline: Timeline


def classify(seen: Snapshot, size: int) -> str:
    """``initial``, ``partial`` or ``final``: how much of the child's work a read saw."""
    if seen == Snapshot(0.0, list(range(size))):
        return "initial"
    if seen == Snapshot(PI_ISH, [-i for i in range(size)]):
        return "final"
    return "partial"


@example(runs=20)
def race_without_join(ctx=None, runs: int = 50, size: int = 10) -> Race:
    """Left to chance: read right after ``start()``, ``runs`` times; count what was seen."""
    ctx = context(ctx)
    counts: collections.Counter = collections.Counter()
    with recording() as rec:
        for _ in range(runs):
            num, arr = ctx.Value("d", 0.0), ctx.Array("i", range(size))
            child = ctx.Process(
                target=_write_shared, args=(_NoRecorder(), num, arr, None, None, None)
            )
            child.start()
            seen = classify(Snapshot(num.value, arr[:]), size)  # no wait of any kind
            counts[seen] += 1
            rec.mark(seen)
            with rec.span("blocked", "join()"):
                join_all([child])
        for kind in ("initial", "partial", "final"):
            rec.say(f"{kind}：{counts[kind]}/{runs}", en=f"{kind}: {counts[kind]}/{runs}")
        return Race(dict(counts), runs, ctx.get_start_method(), rec.events())


@dataclass(frozen=True)
class Race:
    counts: dict[str, int]
    runs: int
    method: str
    timeline: Timeline


# --8<-- [end:peek]


# --8<-- [start:lost_update]
FIRST, SECOND = 0, 1  # the process that reads first (and is held), and the other one


def _add_one(rec: Recorder, counter, me: int, locked: bool, pids, reads, flags, gate) -> None:
    """``counter.value += 1`` spelled out as its two steps, read and write.

    ``flags`` are three Events per process: ``trying`` (set just before it asks
    for the lock), ``inside`` (set as soon as it has it) and ``has_read``. The
    first process is held between its read and its write until the parent
    opens ``gate``; without the lock the other can read the old value meanwhile.
    """
    trying, inside, has_read = flags[me]
    pids[me] = os.getpid()
    if locked:
        with rec.span("blocked", "get_lock().acquire()"):
            trying.set()  # inside the span: recorded as asking before the parent hears it
            if not counter.get_lock().acquire(timeout=TIMEOUT):
                raise TimeoutError("get_lock().acquire()")
    else:
        trying.set()
    try:
        inside.set()
        old = counter.value  # step 1: read (the Value takes its lock for this alone)
        reads[me] = int(old)
        has_read.set()
        if me == FIRST:
            with rec.span("blocked", "gate.wait()"):  # held between read and write
                gate.wait(TIMEOUT)
        counter.value = old + 1  # step 2: write (it takes the lock again, for this alone)
        rec.mark(f"写入 {old + 1}", en=f"wrote {old + 1}")
    finally:
        if locked:
            counter.get_lock().release()


@dataclass(frozen=True)
class Increments:
    locked: bool
    final: int  # the counter after two increments
    reads: list[int]  # the value each process read before writing: [first, second]
    second_got_in: bool  # did the second get past acquire while the first was held?
    pids: list[int]  # of the first and the second process


def two_increments(ctx=None, locked: bool = False, patience: float = 1.0, rec=None) -> Increments:
    """Two processes each add 1 to a shared Value, with or without ``get_lock()``.

    The parent forces the worst timing: the first process reads and is held
    before writing; only then does the second start. The parent waits up to
    ``patience`` seconds for the second to get in (past ``acquire``, or straight
    to its read without the lock), then lets the first go on.
    """
    ctx = context(ctx)
    rec = rec or _NoRecorder()
    counter = ctx.Value("i", 0)
    pids, reads = ctx.Array("i", [0, 0]), ctx.Array("i", [-1, -1])
    flags = [[ctx.Event() for _ in range(3)] for _ in (FIRST, SECOND)]
    gate = ctx.Event()
    tag = "locked" if locked else "unlocked"
    first, second = (
        ctx.Process(
            target=_add_one,
            args=(rec, counter, me, locked, pids, reads, flags, gate),
            name=f"{tag}-{label}",
        )
        for me, label in ((FIRST, "first"), (SECOND, "second"))
    )
    try:
        first.start()
        if not flags[FIRST][2].wait(TIMEOUT):  # it has read, and is held before writing
            raise TimeoutError("the first process never read")
        second.start()
        if not flags[SECOND][0].wait(TIMEOUT):  # the second is about to ask for the lock
            raise TimeoutError("the second process never started")
        with rec.span("waiting", f"inside.wait({patience})"):
            got_in = flags[SECOND][1].wait(patience)
        if got_in:  # no lock held it back: let it read the old value too
            flags[SECOND][2].wait(TIMEOUT)
        rec.mark("gate.set()")
    finally:
        gate.set()
        join_all([p for p in (first, second) if p.pid is not None])
    final = counter.value
    rec.say(
        f"{'加锁' if locked else '不加锁'}：两次 += 1 之后 counter = {final}",
        en=f"{tag}: after two += 1, counter = {final}",
    )
    return Increments(locked, final, reads[:], got_in, pids[:])


@example(patience=0.3)
def lost_update(ctx=None, patience: float = 1.0) -> LostUpdate:
    """The same two increments, first without the Value's lock, then holding it."""
    with recording() as rec:
        runs = {flag: two_increments(ctx, flag, patience, rec) for flag in (False, True)}
        return LostUpdate(runs[False], runs[True], rec.events())


@dataclass(frozen=True)
class LostUpdate:
    unlocked: Increments
    locked: Increments
    timeline: Timeline


# --8<-- [end:lost_update]


# ----------------------------------------------------------------------------------------
# 例 3-5 — a pipe: one process sends ten numbers, the other takes five
# ----------------------------------------------------------------------------------------


# --8<-- [start:pipe]
def _sender(rec: Recorder, conn, n: int, pause: float, all_sent) -> None:
    for i in range(n):
        rec.say(f"proc1 发送：{i}", en=f"proc1 sends: {i}")
        conn.send(i)
        rec.sleep(pause, "sleep")
    rec.mark("proc1：全部发送完毕", en="proc1: every send has returned")
    all_sent.set()


def _receiver(rec: Recorder, conn, n: int, pause: float, wait_for) -> None:
    if wait_for is not None:  # hold the receiver back until every send has returned
        with rec.span("blocked", "all_sent.wait()"):
            if not wait_for.wait(TIMEOUT):
                raise TimeoutError("proc1's sends never all returned")
    for _ in range(n):
        with rec.span("blocked", "recv()"):
            item = conn.recv()
        rec.say(f"proc2 接收：{item}", en=f"proc2 receives: {item}")
        rec.sleep(pause, "sleep")


@dataclass(frozen=True)
class PipeRun:
    received: list[int]  # what proc2 received
    left_in_pipe: list[int]  # what the parent still found in the pipe after both ended
    exitcodes: tuple[int | None, ...]
    timeline: Timeline


@example("例 3-5", pause=0.05)
def pipe_ten_five(
    ctx=None, sends: int = 10, receives: int = 5, pause: float = 1.0, hold_receiver=False
) -> PipeRun:
    """The chapter's example: proc1 sends ``sends`` numbers, proc2 receives ``receives``.

    The parent keeps both ends, as in the chapter. With ``hold_receiver`` proc2
    starts receiving only after proc1 has sent everything.
    """
    ctx = context(ctx)
    with recording() as rec:
        end_a, end_b = ctx.Pipe()  # duplex, the default
        all_sent = ctx.Event()
        proc1 = ctx.Process(target=_sender, args=(rec, end_a, sends, pause, all_sent), name="proc1")
        proc2 = ctx.Process(
            target=_receiver,
            args=(rec, end_b, receives, pause, all_sent if hold_receiver else None),
            name="proc2",
        )
        try:
            rec.mark("start()")
            proc1.start()
            proc2.start()
            with rec.span("blocked", "join()"):
                join_all([proc1, proc2])
            left = []
            while end_b.poll(0):  # both children are gone: what is left is in the pipe
                left.append(end_b.recv())
            if left:
                rec.mark(f"管道里还有 {left}", en=f"still in the pipe: {left}")
        finally:
            end_a.close()
            end_b.close()
        timeline = rec.events()
        return PipeRun(
            _numbers_said(timeline, "proc2"),
            left,
            (proc1.exitcode, proc2.exitcode),
            timeline,
        )


# --8<-- [end:pipe]


# --8<-- [start:duplex]
def _echo_upper(rec: Recorder, conn, n: int) -> None:
    for _ in range(n):
        with rec.span("blocked", "recv()"):
            text = conn.recv()
        conn.send(text.upper())  # the same end that received now sends
    conn.close()


@dataclass(frozen=True)
class Conversation:
    replies: list[str]
    timeline: Timeline


@example()
def pipe_both_ways(ctx=None, n: int = 3) -> Conversation:
    """A duplex pipe: the parent and a child each send *and* receive on their own end."""
    ctx = context(ctx)
    with recording() as rec:
        mine, theirs = ctx.Pipe()
        child = ctx.Process(target=_echo_upper, args=(rec, theirs, n), name="echo")
        child.start()
        replies = []
        try:
            for i in range(n):
                mine.send(f"ping {i}")
                with rec.span("blocked", "recv()"):
                    if not mine.poll(TIMEOUT):
                        raise TimeoutError("no reply")
                    replies.append(mine.recv())
                rec.say(f"主进程收到 {replies[-1]!r}", en=f"the parent got {replies[-1]!r}")
            join_all([child])
        finally:
            mine.close()
            theirs.close()
        return Conversation(replies, rec.events())


def one_way_pipe(ctx=None) -> dict[str, str]:
    """``Pipe(duplex=False)``: which end does what, and what the wrong use raises."""
    ctx = context(ctx)
    reader, writer = ctx.Pipe(duplex=False)  # (receive-only, send-only), in this order
    outcome = {}
    try:
        writer.send("hello")
        outcome["writer.send / reader.recv"] = reader.recv()
        for name, call in (("reader.send", lambda: reader.send("x")), ("writer.recv", writer.recv)):
            try:
                call()
                outcome[name] = "no error"
            except OSError as exc:
                outcome[name] = f"{type(exc).__name__}: {exc}"
    finally:
        reader.close()
        writer.close()
    return outcome


# --8<-- [end:duplex]


# --8<-- [start:boundaries]
MESSAGES = [0, "", [1, 2, 3], {"key": "value"}, None, "x" * 100_000, (4, 5)]


def _send_all(conn, messages: list, raw: list[bytes]) -> None:
    for m in messages:
        conn.send(m)
    for b in raw:
        conn.send_bytes(b)
    conn.close()


def pipe_messages(ctx=None, messages=None, raw=(b"", b"ab", b"c" * 70_000)) -> tuple:
    """A child sends objects, then raw byte strings; the parent receives them one by one."""
    ctx = context(ctx)
    messages = list(MESSAGES if messages is None else messages)
    mine, theirs = ctx.Pipe()
    child = ctx.Process(target=_send_all, args=(theirs, messages, list(raw)), name="sender")
    child.start()
    try:
        got = []
        for _ in messages:
            if not mine.poll(TIMEOUT):
                raise TimeoutError("message missing")
            got.append(mine.recv())
        got_raw = [mine.recv_bytes() for _ in raw]
        join_all([child])
    finally:
        mine.close()
        theirs.close()
    return got, got_raw


# --8<-- [end:boundaries]


# --8<-- [start:eof]
def _send_and_exit(conn, items: list) -> None:
    for item in items:
        conn.send(item)
    # returning closes this process's end


@dataclass(frozen=True)
class Drained:
    received: list
    eof: bool  # recv raised EOFError
    stuck: bool  # poll(patience) found nothing and no EOF: a recv would block for ever


def recv_until_eof(ctx=None, items=(1, 2, 3), close_my_copy=True, patience=0.3) -> Drained:
    """Receive until the other side is gone; the parent closes its copy of the child's end."""
    ctx = context(ctx)
    mine, theirs = ctx.Pipe()
    child = ctx.Process(target=_send_and_exit, args=(theirs, list(items)), name="sender")
    child.start()
    if close_my_copy:
        theirs.close()  # after start(): the child has its own copy
    got, eof, stuck = [], False, False
    try:
        join_all([child])  # the child has exited, its copy of the end is closed
        while True:
            if not mine.poll(patience):  # poll is also True at end-of-file
                stuck = True
                break
            try:
                got.append(mine.recv())
            except EOFError:
                eof = True
                break
    finally:
        mine.close()
        theirs.close()
    return Drained(got, eof, stuck)


# --8<-- [end:eof]


# --8<-- [start:send_blocks]
def _send_big(rec: Recorder, conn, size: int, sending, sent) -> None:
    data = b"x" * size
    with rec.span("blocked", "send_bytes()"):
        sending.set()  # inside the span: recorded as sending before the parent hears it
        conn.send_bytes(data)
    sent.set()


@dataclass(frozen=True)
class BigSend:
    size: int
    sent_without_reader: bool  # did send return while nobody was receiving?
    buffered: int  # bytes in the pipe, unread, when the parent stopped waiting
    sender_asleep: bool  # was the sender blocked (asleep in the kernel) at that moment?
    received: int  # bytes the parent received in the end
    timeline: Timeline


def _asleep(pid: int) -> bool:
    """Whether a process is blocked in the kernel (sleeping), as the OS reports it."""
    return psutil.Process(pid).status() in (psutil.STATUS_SLEEPING, psutil.STATUS_DISK_SLEEP)


@example(size=4 << 20, patience=0.3)
def send_until_read(
    ctx=None, size: int = 16 << 20, patience: float = 0.5, duplex: bool = True
) -> BigSend:
    """A child sends one message far larger than the OS buffer; nobody receives for a while."""
    ctx = context(ctx)
    with recording() as rec:
        reader, writer = ctx.Pipe(duplex)
        sending, sent = ctx.Event(), ctx.Event()
        child = ctx.Process(
            target=_send_big, args=(rec, writer, size, sending, sent), name="sender"
        )
        rec.mark("start()")
        child.start()
        try:
            sending.wait(TIMEOUT)
            with rec.span("waiting", f"sent.wait({patience})"):
                alone = sent.wait(patience)  # nobody reads during this time
            buffered, asleep = _bytes_waiting(reader.fileno()), _asleep(child.pid)
            rec.say(
                f"{patience} 秒内没人接收，send 返回了吗？{'是' if alone else '否'}",
                en=f"no receiver for {patience} s: did send return? {'yes' if alone else 'no'}",
            )
            with rec.span("blocked", "recv_bytes()"):
                received = len(reader.recv_bytes())
            done = sent.wait(TIMEOUT)
            rec.say(
                f"主进程收到 {received} 字节，send 返回了吗？{'是' if done else '否'}",
                en=f"the parent received {received} bytes; did send return? "
                f"{'yes' if done else 'no'}",
            )
            join_all([child])
        finally:
            reader.close()
            writer.close()
        return BigSend(size, alone, buffered, asleep, received, rec.events())


# --8<-- [end:send_blocks]


# --8<-- [start:two_writers]
def _write_one(conn, data: bytes, sending) -> None:
    sending.set()
    conn.send_bytes(data)


def _bytes_waiting(fd: int) -> int:
    """How many bytes sit in a pipe, unread (Linux and macOS: the FIONREAD ioctl)."""
    return int.from_bytes(fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0"), "little")


def _until(condition, what: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        time.sleep(0.001)


@dataclass(frozen=True)
class TwoWriters:
    intact: bool  # did the long message arrive exactly as sent?
    short_inside_long: bool  # are the short message's bytes inside the long one?


def two_writers_one_end(ctx=None, size: int = 1 << 20) -> TwoWriters:
    """Two processes send on the same end; the long writer is paused mid-message.

    The OS may pause a process at any instant; here it is paused on purpose
    (SIGSTOP) after part of its message is in the pipe, while the second writer
    sends a short message. The reader then gets the long message with the
    short one's bytes spliced into it.
    """
    ctx = context(ctx)
    reader, writer = ctx.Pipe(duplex=False)
    long_msg, short_msg = b"L" * size, b"short message"
    sending = [ctx.Event(), ctx.Event()]
    long_w = ctx.Process(target=_write_one, args=(writer, long_msg, sending[0]), name="long")
    short_w = ctx.Process(target=_write_one, args=(writer, short_msg, sending[1]), name="short")
    got: list[bytes] = []
    pump = threading.Thread(target=lambda: got.append(reader.recv_bytes()), name="reader")
    try:
        long_w.start()
        sending[0].wait(TIMEOUT)
        _until(lambda: _bytes_waiting(reader.fileno()) > 4, "the long message never began")
        os.kill(long_w.pid, signal.SIGSTOP)  # paused in the middle of its message
        _until(lambda: psutil.Process(long_w.pid).status() == psutil.STATUS_STOPPED, "SIGSTOP")
        short_w.start()
        sending[1].wait(TIMEOUT)
        pump.start()  # reading makes room: the short message goes in before the rest
        join_all([short_w])
        os.kill(long_w.pid, signal.SIGCONT)
        pump.join(TIMEOUT)
        join_all([long_w])
    finally:
        if long_w.is_alive():
            os.kill(long_w.pid, signal.SIGCONT)
            join_all([long_w])
        reader.close()
        writer.close()
        if pump.is_alive():
            pump.join(TIMEOUT)
    return TwoWriters(got == [long_msg], bool(got) and short_msg in got[0])


# --8<-- [end:two_writers]


# ----------------------------------------------------------------------------------------
# 例 3-6 — a queue: the parent waits for what the child puts
# ----------------------------------------------------------------------------------------

# --8<-- [start:queue]
ITEM = [42, "20200001", "张三"]  # a student's record: an int and two strings


@contextmanager
def _in_turn(me: str, first: str | None, gate) -> Iterator[None]:
    """Around a line whose order against the other process is not fixed by the program.

    ``first`` names the side that must go first (None: leave it to chance):
    the other side waits for ``gate``, the first side sets it after its line.
    """
    if first not in (None, me):
        gate.wait(TIMEOUT)
    yield
    if first == me:
        gate.set()


def _queue_child(rec: Recorder, q, first_sleep, second_sleep, first, gates) -> None:
    with _in_turn("child", first, gates[0]):
        rec.say("子进程：先睡一会儿……", en="child: sleeping first…")
    rec.sleep(first_sleep, "sleep")
    rec.say("子进程：醒了，干活", en="child: awake, working")
    rec.mark("put", en="put")
    q.put(ITEM)
    with _in_turn("child", first, gates[1]):
        rec.say("子进程：再睡一会儿……", en="child: sleeping again…")
    rec.sleep(second_sleep, "sleep")


@dataclass(frozen=True)
class Handoff:
    got: list
    timeline: Timeline


@example("例 3-6", first_sleep=0.3, second_sleep=0.15)
def queue_handoff(
    ctx=None, first_sleep: float = 5.0, second_sleep: float = 2.0, first: str | None = None
) -> Handoff:
    """The chapter's example: the parent blocks on ``get()`` until the child puts a list.

    ``first`` forces the two pairs of lines whose order the program leaves open:
    ``"parent"`` puts the parent's line of each pair first, ``"child"`` the child's.
    """
    if first not in (None, "parent", "child"):
        raise ValueError(f"first must be None, 'parent' or 'child', not {first!r}")
    ctx = context(ctx)
    with recording() as rec:
        q = ctx.Queue()
        gates = (ctx.Event(), ctx.Event())
        child = ctx.Process(
            target=_queue_child,
            args=(rec, q, first_sleep, second_sleep, first, gates),
            name="child",
        )
        child.start()
        try:
            with _in_turn("parent", first, gates[0]):
                rec.say(
                    "主进程：从队列取数据，没有就等", en="parent: getting from the queue, waiting"
                )
            with rec.span("blocked", "get()"):
                got = q.get(timeout=TIMEOUT)
            with _in_turn("parent", first, gates[1]):
                rec.say(f"主进程：拿到 {got}", en=f"parent: got {got}")
            with rec.span("blocked", "join()"):
                join_all([child])
            rec.say("OVER!", en="OVER!")
        finally:
            q.close()
            q.join_thread()
        return Handoff(got, rec.events())


# --8<-- [end:queue]


# --8<-- [start:queue_waits]
@dataclass(frozen=True)
class EmptyWait:
    error: type | None  # the exception get(timeout) raised
    waited: float  # seconds it blocked first
    nowait_error: type | None  # the exception get_nowait() raised


def get_from_empty(ctx=None, timeout: float = 0.2) -> EmptyWait:
    """``get(timeout=...)`` on an empty queue: how long it waits, and what it raises."""
    ctx = context(ctx)
    q = ctx.Queue()
    error = nowait = None
    try:
        start = time.monotonic()
        try:
            q.get(timeout=timeout)
        except queue.Empty as exc:
            error = type(exc)
        waited = time.monotonic() - start
        try:
            q.get_nowait()
        except queue.Empty as exc:
            nowait = type(exc)
    finally:
        q.close()
        q.join_thread()
    return EmptyWait(error, waited, nowait)


def _fill(rec: Recorder, q, n: int, before_last, done) -> None:
    for i in range(n):
        with rec.span("blocked", f"put({i})"):
            if i == n - 1:
                before_last.set()  # inside the span, as in _send_big
            q.put(i, timeout=TIMEOUT)
    done.set()


@dataclass(frozen=True)
class Bounded:
    maxsize: int
    last_put_done_alone: bool  # did the extra put finish while nobody was getting?
    full_then: bool  # was the queue full at that moment?
    producer_asleep: bool  # and the producer blocked (asleep in the kernel)?
    last_put_done_after_get: bool
    got: list[int]
    full_error: type | None  # what put(timeout) raises on a full queue
    timeline: Timeline


@example(patience=0.3)
def bounded_queue(ctx=None, maxsize: int = 2, patience: float = 0.5) -> Bounded:
    """A child puts ``maxsize + 1`` items into a ``Queue(maxsize)`` nobody reads at first."""
    ctx = context(ctx)
    with recording() as rec:
        q = ctx.Queue(maxsize)
        before_last, done = ctx.Event(), ctx.Event()
        child = ctx.Process(
            target=_fill, args=(rec, q, maxsize + 1, before_last, done), name="producer"
        )
        rec.mark("start()")
        child.start()
        try:
            before_last.wait(TIMEOUT)
            with rec.span("waiting", f"done.wait({patience})"):
                alone = done.wait(patience)
            was_full, asleep = q.full(), _asleep(child.pid)
            rec.say(
                f"队列已满，第 {maxsize + 1} 次 put 完成了吗？{'是' if alone else '否'}",
                en=f"queue full: did put #{maxsize + 1} finish? {'yes' if alone else 'no'}",
            )
            with rec.span("blocked", "get()"):
                got = [q.get(timeout=TIMEOUT)]
            after = done.wait(TIMEOUT)
            rec.say(
                f"取走一项之后，第 {maxsize + 1} 次 put 完成了吗？{'是' if after else '否'}",
                en=f"after one get: did put #{maxsize + 1} finish? {'yes' if after else 'no'}",
            )
            got += [q.get(timeout=TIMEOUT) for _ in range(maxsize)]
            join_all([child])
            for i in range(maxsize):  # now fill it from here
                q.put(i)
            try:
                q.put("one too many", timeout=patience)
                full = None
            except queue.Full as exc:
                full = type(exc)
            for _ in range(maxsize):
                q.get(timeout=TIMEOUT)
        finally:
            q.close()
            q.join_thread()
        return Bounded(maxsize, alone, was_full, asleep, after, got, full, rec.events())


# --8<-- [end:queue_waits]


# --8<-- [start:copies]
def _annotate(inbox, outbox) -> None:
    record = inbox.get(timeout=TIMEOUT)
    record["seen_by"].append("child")  # changes the child's copy only
    outbox.put(record)


@dataclass(frozen=True)
class Copies:
    original: dict  # the parent's object after the round trip
    returned: dict  # what came back from the child
    same_object_in_process: bool  # put then get in one process: the same object?


def queue_copies(ctx=None) -> Copies:
    """An object travels to a child and back; and through a queue inside one process."""
    ctx = context(ctx)
    inbox, outbox = ctx.Queue(), ctx.Queue()
    record = {"numbers": [1, 2, 3], "seen_by": ["parent"]}
    child = ctx.Process(target=_annotate, args=(inbox, outbox), name="annotator")
    child.start()
    try:
        inbox.put(record)
        returned = outbox.get(timeout=TIMEOUT)
        join_all([child])
        inbox.put(record)
        same = inbox.get(timeout=TIMEOUT) is record
    finally:
        for q in (inbox, outbox):
            q.close()
            q.join_thread()
    return Copies(record, returned, same)


class Gated:
    """A list whose pickling waits for ``gate``: it shows *when* it is pickled, and by whom."""

    def __init__(self, items: list, gate: threading.Event):
        self.items, self.gate, self.pickled_by = items, gate, None

    def __reduce__(self):
        self.pickled_by = threading.current_thread().name
        self.gate.wait(TIMEOUT)
        return (list, (list(self.items),))  # it arrives as a plain list


@dataclass(frozen=True)
class WhenPickled:
    queue_got: list  # what Queue.get returned after a change made just after put()
    queue_pickled_by: str
    empty_right_after_put: bool
    pipe_got: list  # the same with Connection.send / recv
    pipe_pickled_by: str


def when_pickled(ctx=None) -> WhenPickled:
    """Change an object right after ``put()`` / ``send()``: which version arrives?"""
    ctx = context(ctx)
    gate = threading.Event()
    obj = Gated(["before"], gate)
    q = ctx.Queue()
    try:
        q.put(obj)  # returns at once; the feeder thread pickles later, and waits for gate
        empty = q.empty()  # nothing is in the pipe yet
        obj.items.append("changed after put")
        gate.set()
        queue_got = q.get(timeout=TIMEOUT)
    finally:
        q.close()
        q.join_thread()
    reader, writer = ctx.Pipe(duplex=False)
    other = Gated(["before"], threading.Event())
    other.gate.set()  # send pickles in the caller: it must not wait
    try:
        writer.send(other)
        other.items.append("changed after send")
        pipe_got = reader.recv()
    finally:
        reader.close()
        writer.close()
    return WhenPickled(queue_got, obj.pickled_by, empty, pipe_got, other.pickled_by)


# --8<-- [end:copies]


# --8<-- [start:unconsumed]
ITEM_BYTES = 1000  # small items: each is written to the pipe in one piece


def _produce(rec: Recorder, q, items: int, cancel: bool, returned) -> None:
    with rec.span("running", f"put() ×{items}"):
        for i in range(items):
            q.put(bytes([i % 256]) * ITEM_BYTES)
    if cancel:
        q.cancel_join_thread()  # exit without waiting for the feeder thread
    rec.mark("目标函数返回", en="target returned")
    _record_until_exit(rec, "feeder.join()")
    returned.set()


def _record_until_exit(rec: Recorder, text: str) -> None:
    """Record a blocked span from now until this process runs its last exit handlers.

    A Queue joins its feeder thread in an exit handler of priority -5; this one
    (priority -10) runs after it, when nothing holds the process back any more.
    """
    span = rec.span("blocked", text)
    span.__enter__()
    multiprocessing.util.Finalize(None, span.__exit__, (None, None, None), exitpriority=-10)


@dataclass(frozen=True)
class Unconsumed:
    cancel: bool
    returned_before_join: bool  # had its function returned when the parent began to join?
    alive_after_join_timeout: bool  # still alive after join(patience), its function done
    exitcode_then: int | None
    received: int  # items the parent got
    items: int  # items the child put
    exitcode: int | None


def producer_exit(
    ctx=None, items: int = 256, patience: float = 0.5, cancel: bool = False, rec=None
) -> Unconsumed:
    """A child puts ``items`` into a queue and returns; the parent joins before getting.

    ``items`` x ``ITEM_BYTES`` is far more than an OS pipe holds (64 KiB on
    Linux), so the child's feeder thread cannot hand everything over.
    """
    ctx = context(ctx)
    rec = rec or _NoRecorder()
    q, returned = ctx.Queue(), ctx.Event()
    name = "cancelled" if cancel else "producer"
    child = ctx.Process(target=_produce, args=(rec, q, items, cancel, returned), name=name)
    rec.mark("start()")
    child.start()
    got = 0
    try:
        function_done = returned.wait(TIMEOUT)
        with rec.span("blocked", f"join({patience})"):
            child.join(patience)
        alive, code_then = child.is_alive(), child.exitcode
        with rec.span("blocked", "get() …"):
            if cancel:  # the child is gone: whatever it wrote is in the pipe by now
                child.join(TIMEOUT)
                while True:
                    try:
                        q.get(timeout=0.1)
                        got += 1
                    except queue.Empty:
                        break
            else:
                for _ in range(items):
                    q.get(timeout=TIMEOUT)
                    got += 1
        with rec.span("blocked", "join()"):
            join_all([child])
        rec.say(
            f"{name}：join({patience}) 后仍存活 = {alive}，收到 {got}/{items}，"
            f"退出码 {child.exitcode}",
            en=f"{name}: alive after join({patience}) = {alive}, got {got}/{items}, "
            f"exit code {child.exitcode}",
        )
    finally:
        deadline = time.monotonic() + TIMEOUT
        while child.is_alive() and time.monotonic() < deadline:  # drain so that it can exit
            try:
                q.get(timeout=0.1)
            except queue.Empty:
                child.join(0.1)
        join_all([child])
        q.close()
        q.join_thread()
    return Unconsumed(cancel, function_done, alive, code_then, got, items, child.exitcode)


@example(items=256, patience=0.3)
def join_before_draining(ctx=None, items: int = 256, patience: float = 0.5) -> Pitfall:
    """The pitfall (join a producer whose data nobody read), then ``cancel_join_thread``."""
    with recording() as rec:
        runs = [producer_exit(ctx, items, patience, cancel, rec) for cancel in (False, True)]
        return Pitfall(*runs, rec.events())


@dataclass(frozen=True)
class Pitfall:
    waits: Unconsumed
    cancelled: Unconsumed
    timeline: Timeline


# --8<-- [end:unconsumed]


if __name__ == "__main__":
    main("process_communication")
