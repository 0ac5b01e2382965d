"""Claims of §3.4.2 about where threads and processes differ."""

from __future__ import annotations

import pytest

from chapter3.kit.listing import observe, watching
from chapter3.thread_communication import (
    bad_input,
    lock_at_fork,
    lock_in_a_child,
    no_pickling,
    pickling_needed,
    pipes,
    queue_bad_input,
    same_object,
)


@pytest.mark.claim("pipes-between-threads")
def test_pipes_between_threads():
    run = observe(pipes.main)
    assert run.result == {"has_pipe": False, "copy": True, "bytes": "包子".encode()}
    tl = run.timeline
    (sent,) = tl.of("send")
    (got,) = tl.spans("recv")
    assert sent.lane.startswith("MainProcess/") and got.lane == "MainProcess"  # two threads
    assert sent.pid == got.pid and got.value == sent.value  # one process, an equal object


@pytest.mark.claim("queue-passes-object-not-copy")
def test_queue_queue_passes_the_object(ctx):
    run = observe(same_object.main, ctx.get_start_method())
    assert run.result["thread"] == {"same": True, "sent": ["bun", "touched"],
                                    "back": ["bun", "touched"]}  # fmt: skip
    assert run.result["process"] == {"same": False, "sent": ["bun"], "back": ["bun", "touched"]}
    tl = run.timeline
    getters = {s.lane for s in tl.spans("get") if s.value == ["bun"]}
    assert len(getters) == 2 and any(lane.startswith("MainProcess/") for lane in getters)


@pytest.mark.claim("threads-need-no-pickling")
def test_threads_pass_what_cannot_be_pickled():
    assert observe(no_pickling.main).result == [True, True]  # the lambda and the lock


@pytest.mark.claim("threads-need-no-pickling")
def test_process_channels_refuse_it(ctx, capsys):
    run = observe(pickling_needed.main, ctx.get_start_method(), patience=0.2)
    assert run.result["pipe_send"] in ("PicklingError", "AttributeError")
    assert run.result["queue_get"] == "queue.Empty"  # put returned; the item never came
    assert "pickle" in capsys.readouterr().err  # the feeder thread's traceback: the only trace


@pytest.mark.claim("threading-lock-stays-in-its-process")
def test_threading_lock_does_not_cross_processes(ctx):
    run = observe(lock_in_a_child.main, ctx.get_start_method())
    if ctx.get_start_method() == "fork":
        assert run.result["threading.Lock"] is True  # a private copy: no exclusion at all
    else:
        assert run.result["threading.Lock"] == "TypeError: cannot pickle '_thread.lock' object"
    assert run.result["multiprocessing.Lock"] is False


def parent(tl, phase: str, lock: str) -> bool:
    """Whether the main process has recorded the ``phase`` of a hold of ``lock``."""
    return any(e.op == "hold" and e.obj == lock and e.phase == phase and e.lane == "MainProcess"
               for e in tl)  # fmt: skip


@pytest.mark.claim("threading-lock-stays-in-its-process")
def test_fork_copies_a_lock_as_it_was_at_the_fork(ctx):
    if ctx.get_start_method() != "fork":
        pytest.skip(
            f"{ctx.get_start_method()} does not copy a threading.Lock into the child at all "
            "(start() cannot pickle it: see the test above); only fork copies it"
        )
    with watching(lock_at_fork.main, "fork") as watch:
        held_child, free_child = watch.gate("run", nth=1), watch.gate("run", nth=2)
        watch.start(patience=0.3)
        assert held_child.arrived.wait(30)
        assert watch.until(lambda tl: parent(tl, "end", "Lock-1"))  # released in the parent
        held_child.go.set()  # only now does the child try its copy
        assert free_child.arrived.wait(30)
        assert watch.until(lambda tl: parent(tl, "begin", "Lock-2"))  # taken in the parent
        free_child.go.set()
        run = watch.wait()
    # Held at the fork: the child's copy is locked, and stays locked although the parent
    # released its own first; nobody in the child ever will. Free at the fork: the child
    # takes its copy while the parent holds the original.
    assert run.result == {"held": False, "free": True}


@pytest.mark.claim("threading-queue-bad-input")
def test_bad_input():
    got = observe(bad_input.main).result | observe(queue_bad_input.main).result
    assert got["Semaphore(-1)"] == "ValueError: semaphore initial value must be >= 0"
    assert got["BoundedSemaphore(1).release()"] == "ValueError: Semaphore released too many times"
    assert got["Semaphore(1).release(); permits"] == "2"
    assert got["Queue().get(timeout=-1)"].startswith("ValueError: 'timeout' must be")
    assert got["Queue(1).put(x, timeout=-1)"].startswith("ValueError: 'timeout' must be")
    assert got["Queue().put(x, timeout=-1)"] == "returned None"  # no error
    assert got["Queue(0).full() after 3 puts"] == "returned False"  # 0 or less: no limit
    assert got["Queue(-1).full() after 3 puts"] == "returned False"
    assert got["Queue().task_done()"] == "ValueError: task_done() called too many times"
    assert got["Lock().acquire(timeout=-2)"].startswith("ValueError")
    assert got["Lock().acquire(False, 1)"].startswith("ValueError")
