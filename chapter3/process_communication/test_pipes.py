"""Claims of §3.3.2 about pipes (Example 3-5): what a pipe keeps, when it waits, and
what it does not protect against."""

from __future__ import annotations

import math
import os
import signal
import sys
import threading

import psutil
import pytest

from chapter3.kit.listing import asleep, observe, watching
from chapter3.kit.observe import TIMEOUT
from chapter3.process_communication import (
    ex3_05_pipe,
    pipe_duplex,
    pipe_eof,
    pipe_full,
    pipe_messages,
    pipe_one_way,
    two_writers,
)
from chapter3.process_communication.test_shared import children

posix_only = pytest.mark.skipif(sys.platform == "win32", reason="needs SIGSTOP")


def received(tl, lane: str) -> list:
    """What ``lane`` got from its ``recv()`` calls, in order."""
    return [s.value for s in tl.spans("recv", lane=lane) if s.end < math.inf]


def running(watch, k: int) -> int:
    """The pid of the ``k``-th child, once it is inside its target (its ``run`` begun)."""
    assert watch.until(lambda tl: len(tl.spans("run")) > k), f"child {k} never ran"
    return watch.children()[k].pid


# --- Example 3-5 ---------------------------------------------------------------------------


@pytest.mark.claim("example-3-5-ends-and-keeps-leftovers")
def test_the_program_ends_and_the_five_unread_numbers_stay_in_the_pipe(ctx):
    run = observe(ex3_05_pipe.main, ctx.get_start_method(), pause=0.02)
    assert run.result == {"exitcodes": [0, 0], "left": [5, 6, 7, 8, 9]}
    proc1, proc2 = children(run.timeline)
    assert [e.value for e in run.timeline.of("send", lane=proc1)] == list(range(10))
    assert received(run.timeline, proc2) == [0, 1, 2, 3, 4]
    assert received(run.timeline, "MainProcess") == [5, 6, 7, 8, 9]  # after both ended


@pytest.mark.claim("example-3-5-pairs-come-from-the-pauses")
def test_all_ten_sends_return_before_the_first_receive(ctx):
    with watching(ex3_05_pipe.main, ctx.get_start_method()) as watch:
        held = watch.gate("recv")  # proc2, at its first recv(), before it receives
        watch.start(pause=0)
        assert held.arrived.wait(30)
        assert watch.until(lambda tl: any(s.end < math.inf for s in tl.spans("run"))), (
            "proc1 never got through its ten sends while nobody received"
        )
        held.go.set()
        run = watch.wait()
    assert run.result == {"exitcodes": [0, 0], "left": [5, 6, 7, 8, 9]}
    tl = run.timeline
    proc1, proc2 = children(tl)
    (life1,) = tl.spans("run", proc1)  # its ten sends returned, and it ended...
    (gate,) = tl.spans("gate")
    first_recv = tl.spans("recv", lane=proc2)[0]
    assert gate.lane == proc2 and life1.end < gate.end < first_recv.end  # ...before any recv
    assert len(tl.of("send", lane=proc1)) == 10
    assert received(tl, proc2) == [0, 1, 2, 3, 4]
    pids = {s.pid for s in tl.spans("run")}
    assert len(pids) == 2 and os.getpid() not in pids


# --- one way, two ways ---------------------------------------------------------------------


@pytest.mark.claim("pipe-duplex-by-default")
def test_both_ends_of_a_default_pipe_send_and_receive(ctx):
    run = observe(pipe_duplex.main, ctx.get_start_method(), n=3)
    assert run.result == ["PING 0", "PING 1", "PING 2"]
    tl = run.timeline
    (child,) = children(tl)
    for lane in ("MainProcess", child):  # each side sends and receives on one end, its own
        ends = {e.obj for e in tl.of("send", lane=lane)} | {
            s.obj for s in tl.spans("recv", lane=lane)
        }
        assert len(ends) == 1
    assert {e.obj for e in tl.of("send", lane=child)} != {
        e.obj for e in tl.of("send", lane="MainProcess")
    }


@pytest.mark.claim("python-pipes-can-be-one-way")
def test_a_one_way_pipe_has_a_receiving_end_and_a_sending_end(ctx):
    run = observe(pipe_one_way.main, ctx.get_start_method())
    assert run.result == {
        "reader.recv()": "hello",
        "reader.send()": "OSError: connection is read-only",
        "writer.recv()": "OSError: connection is write-only",
    }


@pytest.mark.claim("pipe-keeps-boundaries-and-order")
def test_messages_arrive_whole_and_in_order(ctx):
    run = observe(pipe_messages.main, ctx.get_start_method())
    assert run.result["got"] == pipe_messages.MESSAGES
    assert run.result["raw"] == [b"", b"ab", b"c" * 70_000]


@pytest.mark.claim("pipe-eof-when-all-copies-closed")
@pytest.mark.parametrize("close_mine", [True, False], ids=["closed", "kept-open"])
def test_recv_raises_eoferror_only_when_every_copy_of_the_other_end_is_closed(ctx, close_mine):
    run = observe(pipe_eof.main, ctx.get_start_method(), close_mine=close_mine, patience=0.3)
    # what was sent arrives first, in any case; EOFError only if the parent closed its copy,
    # else poll finds nothing after the child is gone, and recv would wait for ever
    assert run.result == {"got": [1, 2, 3], "eof": close_mine}
    (child,) = children(run.timeline)
    assert run.timeline.spans("run", child)[0].end < run.timeline.spans("recv")[0].start


# --- a full pipe ---------------------------------------------------------------------------


@pytest.mark.claim("pipe-send-blocks-when-buffer-full")
@pytest.mark.parametrize("duplex", [True, False], ids=["duplex", "one-way"])
def test_a_large_send_waits_for_the_receiver(ctx, duplex):
    with watching(pipe_full.main, ctx.get_start_method()) as watch:
        joining = watch.gate(
            "join", lane="MainProcess", before=True
        )  # before the parent's join(wait)
        watch.start(size=4 << 20, duplex=duplex, wait=0.3)
        assert joining.arrived.wait(30)
        pid = running(watch, 0)
        assert watch.until(lambda tl: asleep(pid)), "the sender never blocked"
        joining.go.set()  # the sender is blocked inside send_bytes(), before the parent waits
        run = watch.wait()
    assert run.result == {"still_sending": True, "received": 4 << 20}
    tl = run.timeline
    (child,) = children(tl)
    waited = tl.spans("join", child)[0]  # join(0.3), with nobody receiving
    (returned,) = tl.of("print", lane=child)  # printed once send_bytes() returned
    assert waited.end - waited.start >= 0.25 and returned.t > waited.end


@posix_only
@pytest.mark.claim("pipe-end-not-safe-for-two-writers")
def test_two_writers_on_one_end_can_splice_their_messages(ctx):
    with watching(two_writers.main, ctx.get_start_method()) as watch:
        second = watch.gate("start", lane="MainProcess", nth=2)  # before the short writer
        watch.start(size=1 << 20)
        assert second.arrived.wait(30)
        long_pid = running(watch, 0)
        assert watch.until(lambda tl: asleep(long_pid)), "the long message never filled the pipe"
        os.kill(long_pid, signal.SIGSTOP)  # paused in the middle of its message
        try:
            stopped = psutil.STATUS_STOPPED
            assert watch.until(lambda tl: psutil.Process(long_pid).status() == stopped)
            second.go.set()  # the parent reads; the short message goes into the room it makes

            def short_sent(tl):
                return any(s.end < math.inf for s in tl.spans("run"))

            assert watch.until(short_sent), "the short writer never got its message in"
        finally:
            os.kill(long_pid, signal.SIGCONT)
        run = watch.wait()
    assert run.result == {"intact": False, "spliced": True}


# --- misuse --------------------------------------------------------------------------------


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
