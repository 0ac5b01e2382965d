"""Claims of §3.3.2: globals, Value and Array, pipes and queues between processes."""

from __future__ import annotations

import dis
import multiprocessing
import os
import queue
import sys
import threading

import pytest

from chapter3 import process_communication as pc
from chapter3.timeline import recording
from chapter3.waiting import TIMEOUT

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="needs SIGSTOP and FIONREAD")


# --- 例 3-3: globals ---------------------------------------------------------------------


@pytest.mark.claim("example-3-3-globals-not-shared")
def test_each_process_has_its_own_global(ctx):
    run = pc.globals_in_processes(ctx)
    assert run.in_children == (20, 100)  # worker_2 does not see worker_1's 20
    assert run.in_parent == (0, 0)  # the parent sees neither


@pytest.mark.claim("example-3-3-one-child-after-the-other")
def test_start_join_pairs_run_the_children_in_turn(ctx):
    run = pc.globals_in_processes(ctx)
    first = [e.t for e in run.timeline if e.lane == "worker_1"]
    second = [e.t for e in run.timeline if e.lane == "worker_2"]
    joined = run.timeline.spans("MainProcess")[0]  # the parent's first join()
    assert max(first) < joined.end < min(second)


@pytest.mark.claim("fork-copies-globals-spawn-reimports")
def test_a_global_set_before_start_reaches_forked_children_only(ctx):
    run = pc.globals_in_processes(ctx, start_value=7)
    if ctx.get_start_method() == "fork":
        assert run.in_children == (27, 107)  # a copy of the parent's memory at start()
    else:
        assert run.in_children == (20, 100)  # the module imported afresh: share_num = 0
    assert run.in_parent == (7, 7)  # and never anything back


# --- 例 3-4: Value and Array -------------------------------------------------------------


@pytest.mark.claim("example-3-4-join-then-read")
def test_parent_sees_the_childs_writes_after_join(ctx):
    run = pc.shared_value_and_array(ctx, size=10)
    assert run.seen == pc.Snapshot(3.1415927, [0, -1, -2, -3, -4, -5, -6, -7, -8, -9])
    writes = [e for e in run.timeline if e.lane == "writer"]
    assert writes and os.getpid() not in {e.pid for e in writes}  # written by another process


@pytest.mark.claim("without-join-any-outcome")
@pytest.mark.parametrize(
    "moment, expected",
    [
        ("before", pc.Snapshot(0.0, [0, 1, 2, 3, 4, 5])),
        ("midway", pc.Snapshot(3.1415927, [0, -1, -2, 3, 4, 5])),
        ("after", pc.Snapshot(3.1415927, [0, -1, -2, -3, -4, -5])),
    ],
)
def test_a_parent_that_does_not_join_can_see_any_stage(ctx, moment, expected):
    with recording() as rec:
        assert pc.peek(ctx, size=6, moment=moment, rec=rec) == expected
        tl = rec.events()
    (read,) = [e for e in tl if e.kind == "say" and e.lane == "MainProcess"]
    done = tl.said("全部写完")  # the child's last step
    assert done.lane == moment and done.pid != os.getpid()  # the writer is another process
    assert read.t < done.t  # ... still at work when the parent read: no join before the read


def test_peek_rejects_an_unknown_moment():
    with pytest.raises(ValueError, match="moment must be one of"):
        pc.peek(moment="later")


class _CountingLock:
    """A lock that writes down every acquire and release."""

    def __init__(self):
        self.inner, self.log = threading.RLock(), []

    def acquire(self, *args, **kwargs):
        self.log.append("acquire")
        return self.inner.acquire(*args, **kwargs)

    def release(self):
        self.log.append("release")
        self.inner.release()


@pytest.mark.claim("value-plus-equals-two-steps")
def test_plus_equals_on_a_value_is_a_read_then_a_write():
    def increment(counter):
        counter.value += 1

    steps = [(i.opname, i.argval) for i in dis.get_instructions(increment)]
    loads = [k for k, s in enumerate(steps) if s[0] == "LOAD_ATTR" and s[1] == "value"]
    stores = [k for k, s in enumerate(steps) if s[0] == "STORE_ATTR" and s[1] == "value"]
    assert len(loads) == 1 and len(stores) == 1 and loads[0] < stores[0]
    # each step takes the Value's lock on its own, and lets it go in between
    lock = _CountingLock()
    counter = multiprocessing.Value("i", 0, lock=lock)
    increment(counter)
    assert lock.log == ["acquire", "release", "acquire", "release"]


@pytest.mark.claim("lost-update-fixed-by-get-lock")
def test_two_increments_lose_one_unless_the_lock_is_held(ctx):
    run = pc.lost_update(ctx, patience=0.2)
    lost, kept = run.unlocked, run.locked
    for r in (lost, kept):  # two processes, neither of them this one
        assert len(set(r.pids)) == 2 and os.getpid() not in r.pids and 0 not in r.pids
    # without the lock the second reads while the first is held between read and write
    assert lost.second_got_in
    assert lost.reads == [0, 0] and lost.final == 1
    # with it the second, already asking, cannot get in until the first has written
    assert not kept.second_got_in
    assert kept.reads == [0, 1] and kept.final == 2
    (asking,) = [s for s in run.timeline.spans("locked-second") if s.text == "get_lock().acquire()"]
    wrote = [e for e in run.timeline if e.lane == "locked-first" and e.en == "wrote 1"]
    assert len(wrote) == 1 and asking.start < wrote[0].t < asking.end


@pytest.mark.claim("shared-ctypes-bad-input")
def test_value_and_array_reject_or_silently_wrap_bad_input(ctx):
    with pytest.raises(TypeError, match="this type has no size"):
        ctx.Value("x", 0)  # not a ctypes type code
    with pytest.raises(TypeError):
        ctx.Value("i", 1.5)  # a float for a C int
    assert ctx.Value("i", 2**40).value == 0  # too big: silently wrapped, no error
    arr = ctx.Array("i", 3)  # an int size: three zeros
    assert arr[:] == [0, 0, 0]
    with pytest.raises(IndexError):
        arr[3] = 1  # fixed size: no growing
    with pytest.raises(ValueError, match="same size"):
        arr[:] = [1, 2]
    raw = ctx.Value("i", 0, lock=False)  # a bare ctypes object
    assert not hasattr(raw, "get_lock")
    reader, writer = ctx.Pipe(duplex=False)
    try:
        with pytest.raises(RuntimeError, match="through inheritance"):
            writer.send(ctx.Value("i", 0))  # only as an argument of Process
    finally:
        reader.close()
        writer.close()


@pytest.mark.claim("example-3-4-listing-last-print-outside")
def test_a_print_dedented_out_of_the_function_cannot_see_its_locals():
    program = "def share_memory():\n    arr = [0]\n\nprint(arr[:])\n"
    with pytest.raises(NameError, match="'arr' is not defined"):
        exec(compile(program, "<例 3-4 as printed>", "exec"), {})


# --- 例 3-5: pipes -----------------------------------------------------------------------


@pytest.mark.claim("example-3-5-ends-and-keeps-leftovers")
def test_the_program_ends_and_the_five_unread_numbers_stay_in_the_pipe(ctx):
    run = pc.pipe_ten_five(ctx, pause=0.02)
    assert run.exitcodes == (0, 0)
    assert run.received == [0, 1, 2, 3, 4]
    assert run.left_in_pipe == [5, 6, 7, 8, 9]


@pytest.mark.claim("example-3-5-pairs-come-from-the-pauses")
def test_all_ten_sends_return_before_the_first_receive(ctx):
    run = pc.pipe_ten_five(ctx, pause=0.0, hold_receiver=True)
    assert run.exitcodes == (0, 0)  # proc2 was held until all ten had returned, not timed out
    tl = run.timeline
    pids = {lane: {e.pid for e in tl if e.lane == lane} for lane in ("proc1", "proc2")}
    assert len(pids["proc1"]) == len(pids["proc2"]) == 1 and pids["proc1"] != pids["proc2"]
    assert os.getpid() not in pids["proc1"] | pids["proc2"]
    (held,) = [s for s in tl.spans("proc2") if s.text == "all_sent.wait()"]
    returned = tl.said("proc1：全部发送完毕")
    first_recv = min(s.start for s in tl.spans("proc2") if s.text == "recv()")
    assert returned.t < held.end  # proc2 was let go only after the ten sends had returned
    assert returned.t < first_recv  # nobody had called recv() while the ten sends returned
    assert run.received == [0, 1, 2, 3, 4] and run.left_in_pipe == [5, 6, 7, 8, 9]


@pytest.mark.claim("pipe-duplex-by-default")
def test_both_ends_of_a_default_pipe_send_and_receive(ctx):
    run = pc.pipe_both_ways(ctx, n=3)
    assert run.replies == ["PING 0", "PING 1", "PING 2"]


@pytest.mark.claim("python-pipes-can-be-one-way")
def test_a_one_way_pipe_has_a_receiving_end_and_a_sending_end(ctx):
    outcome = pc.one_way_pipe(ctx)
    assert outcome["writer.send / reader.recv"] == "hello"
    assert outcome["reader.send"] == "OSError: connection is read-only"
    assert outcome["writer.recv"] == "OSError: connection is write-only"


@pytest.mark.claim("pipe-keeps-boundaries-and-order")
def test_messages_arrive_whole_and_in_order(ctx):
    got, got_raw = pc.pipe_messages(ctx)
    assert got == pc.MESSAGES
    assert got_raw == [b"", b"ab", b"c" * 70_000]


@pytest.mark.claim("pipe-eof-when-all-copies-closed")
@pytest.mark.parametrize("close_my_copy", [True, False], ids=["closed", "kept-open"])
def test_recv_raises_eoferror_only_when_every_copy_of_the_other_end_is_closed(ctx, close_my_copy):
    run = pc.recv_until_eof(ctx, items=(1, 2, 3), close_my_copy=close_my_copy)
    assert run.received == [1, 2, 3]  # what was sent arrives first, in any case
    if close_my_copy:
        assert run.eof and not run.stuck
    else:  # the parent's own copy keeps the pipe open: recv would wait for ever
        assert run.stuck and not run.eof


@pytest.mark.claim("pipe-send-blocks-when-buffer-full")
@pytest.mark.parametrize("duplex", [True, False], ids=["duplex", "one-way"])
def test_a_large_send_waits_for_the_receiver(ctx, duplex):
    run = pc.send_until_read(ctx, size=4 << 20, patience=0.3, duplex=duplex)
    assert not run.sent_without_reader
    assert 0 < run.buffered < 4 << 20 and run.sender_asleep  # sending, and stuck: pipe full
    assert run.received == 4 << 20
    # the child was inside send_bytes() all the while the parent waited, and until it read
    (send,) = [s for s in run.timeline.spans("sender") if s.text == "send_bytes()"]
    (waited,) = [s for s in run.timeline.spans("MainProcess") if s.text.startswith("sent.wait")]
    (recv,) = [s for s in run.timeline.spans("MainProcess") if s.text == "recv_bytes()"]
    assert send.start < waited.start and recv.start < send.end


@posix_only
@pytest.mark.claim("pipe-end-not-safe-for-two-writers")
def test_two_writers_on_one_end_can_splice_their_messages(ctx):
    run = pc.two_writers_one_end(ctx, size=1 << 20)
    assert not run.intact
    assert run.short_inside_long


@pytest.mark.claim("pipe-misuse-errors")
def test_what_a_pipe_does_with_bad_input(ctx):
    reader, writer = ctx.Pipe(duplex=False)
    try:
        with pytest.raises(TypeError, match="cannot pickle"):
            writer.send(threading.Lock())  # pickled in send: the error comes at once
        writer.send_bytes(b"x" * 100)
        with pytest.raises(OSError, match="bad message length"):
            reader.recv_bytes(maxlength=10)
        assert reader.closed  # a receive-only end is closed by the failed read
        for call in (reader.recv_bytes, reader.recv, reader.poll):
            with pytest.raises(OSError, match="handle is closed"):
                call()
        writer.close()
        with pytest.raises(OSError, match="handle is closed"):
            writer.send(1)
    finally:
        reader.close()
        writer.close()


@pytest.mark.claim("pipe-misuse-errors")
def test_a_too_long_message_makes_a_duplex_end_write_only(ctx):
    mine, theirs = ctx.Pipe()
    try:
        theirs.send_bytes(b"x" * 100)
        with pytest.raises(OSError, match="bad message length"):
            mine.recv_bytes(maxlength=10)
        assert not mine.closed and not mine.readable and mine.writable
        for call in (mine.recv_bytes, mine.recv, mine.poll):
            with pytest.raises(OSError, match="connection is write-only"):
                call()
        mine.send("still sending")  # the other direction works as before
        assert theirs.poll(TIMEOUT) and theirs.recv() == "still sending"
        # only the length was read: the message itself is still in the pipe, unread
        assert os.read(mine.fileno(), 1000) == b"x" * 100
    finally:
        mine.close()
        theirs.close()


# --- 例 3-6: queues ----------------------------------------------------------------------


@pytest.mark.claim("example-3-6-get-blocks-until-put")
def test_get_returns_the_childs_list_after_the_put(ctx):
    run = pc.queue_handoff(ctx, first_sleep=0.2, second_sleep=0.05)
    assert run.got == pc.ITEM
    (get,) = [s for s in run.timeline.spans("MainProcess") if s.text == "get()"]
    assert get.end > run.timeline.said("put").t
    child_last = max(e.t for e in run.timeline if e.lane == "child")
    assert run.timeline.said("OVER!").t > child_last


@pytest.mark.claim("example-3-6-what-order-is-forced")
@pytest.mark.parametrize("first", ["parent", "child"])
def test_only_some_lines_of_example_3_6_have_a_fixed_order(ctx, first):
    run = pc.queue_handoff(ctx, first_sleep=0.05, second_sleep=0.05, first=first)
    t = {e.en: e.t for e in run.timeline if e.kind == "say"}
    got = next(k for k in t if k.startswith("parent: got"))
    # fixed by the program, whatever happens:
    assert t["parent: getting from the queue, waiting"] < t[got] < t["OVER!"]
    assert t["child: sleeping first…"] < t["child: awake, working"] < t[got]
    assert t["child: sleeping again…"] < t["OVER!"]
    # left open by the program, forced here each way:
    parent_first = first == "parent"
    assert (t["parent: getting from the queue, waiting"] < t["child: sleeping first…"]) is (
        parent_first
    )
    assert (t[got] < t["child: sleeping again…"]) is parent_first


def test_queue_handoff_rejects_an_unknown_order():
    with pytest.raises(ValueError, match="first must be"):
        pc.queue_handoff(first="both")


@pytest.mark.claim("queue-get-timeout-raises-empty")
def test_get_with_a_timeout_waits_then_raises_empty(ctx):
    run = pc.get_from_empty(ctx, timeout=0.2)
    assert run.error is queue.Empty and run.nowait_error is queue.Empty
    assert run.waited >= 0.19  # at least the timeout (a hair for clock rounding)


@pytest.mark.claim("bounded-queue-put-blocks")
def test_put_on_a_full_queue_waits_for_a_get(ctx):
    run = pc.bounded_queue(ctx, maxsize=2, patience=0.3)
    assert not run.last_put_done_alone
    assert run.full_then and run.producer_asleep  # two items in, the third put stuck
    # the third put had begun before the parent started waiting, and ended after its get
    (put,) = [s for s in run.timeline.spans("producer") if s.text == "put(2)"]
    (waited,) = [s for s in run.timeline.spans("MainProcess") if s.text.startswith("done.wait")]
    (get,) = [s for s in run.timeline.spans("MainProcess") if s.text == "get()"]
    assert put.start < waited.start and get.start < put.end
    assert run.last_put_done_after_get
    assert run.got == [0, 1, 2]
    assert run.full_error is queue.Full


@pytest.mark.claim("queue-delivers-copies")
def test_objects_travel_as_copies(ctx):
    run = pc.queue_copies(ctx)
    assert run.original == {"numbers": [1, 2, 3], "seen_by": ["parent"]}
    assert run.returned == {"numbers": [1, 2, 3], "seen_by": ["parent", "child"]}
    assert not run.same_object_in_process


@pytest.mark.claim("queue-put-pickles-later")
def test_put_returns_before_pickling_send_pickles_at_once(ctx):
    run = pc.when_pickled(ctx)
    assert run.queue_pickled_by == "QueueFeederThread"
    assert run.empty_right_after_put
    assert run.queue_got == ["before", "changed after put"]
    assert run.pipe_pickled_by == threading.current_thread().name
    assert run.pipe_got == ["before"]


@pytest.mark.claim("queue-misuse-errors")
def test_an_unpicklable_put_fails_in_the_feeder_thread(ctx, capsys):
    q = ctx.Queue()
    try:
        q.put(threading.Lock())  # no error here
        with pytest.raises(queue.Empty):
            q.get(timeout=0.3)  # it never arrives
    finally:
        q.close()
        q.join_thread()  # the feeder has handled the item before it exits
    assert "TypeError: cannot pickle '_thread.lock' object" in capsys.readouterr().err


@pytest.mark.claim("queue-misuse-errors")
def test_a_closed_queue_refuses_put_and_get(ctx):
    q = ctx.Queue()
    q.close()
    q.join_thread()
    with pytest.raises(ValueError, match="is closed"):
        q.put(1)
    with pytest.raises(ValueError, match="is closed"):
        q.get(timeout=0.1)


@pytest.mark.claim("join-unconsumed-producer-waits")
def test_a_producer_stays_alive_until_its_data_is_taken(ctx):
    run = pc.producer_exit(ctx, items=256, patience=0.3)
    assert run.returned_before_join  # its function was done before the parent joined
    assert run.alive_after_join_timeout and run.exitcode_then is None
    assert run.received == 256 and run.exitcode == 0


@pytest.mark.claim("cancel-join-thread-loses-data")
def test_cancel_join_thread_lets_it_exit_and_drops_what_was_not_sent(ctx):
    run = pc.producer_exit(ctx, items=256, patience=5.0, cancel=True)
    assert run.returned_before_join
    assert not run.alive_after_join_timeout and run.exitcode_then == 0
    assert run.received < 256
