"""Claims of §3.4.2: communication between threads (example 3-12 and what carries over)."""

from __future__ import annotations

import os
import sys

import pytest

from chapter3 import thread_communication as tc
from chapter3.kit.listing import observe
from chapter3.process_communication import ex3_03_globals
from chapter3.process_communication.test_shared import children_saw

# --- Example 3-12: one global, seen by every thread -----------------------------------


@pytest.mark.claim("example-3-12-globals-shared")
def test_threads_share_the_global():
    run = tc.globals_in_threads()
    assert run.workers_saw == (20, 120)
    assert run.main_saw == (20, 120)
    assert run.timeline.transcript() == [
        "worker_1: share_num=20",
        "worker_1 结束后，主线程读到 share_num=20",
        "worker_2: share_num=120",
        "worker_2 结束后，主线程读到 share_num=120",
    ]


@pytest.mark.claim("threads-versus-processes-globals")
def test_same_workers_in_processes_share_nothing(ctx):
    in_parent = observe(ex3_03_globals.main, ctx.get_start_method()).result  # 例 3-3, §3.3.2
    assert (children_saw(ctx), in_parent) == ([20, 100], [0, 0])
    threads = tc.globals_in_threads()
    assert (threads.workers_saw, threads.main_saw) == ((20, 120), (20, 120))


@pytest.mark.claim("example-3-12-one-process-main-thread")
def test_the_reader_is_the_main_thread_of_the_only_process():
    run = tc.globals_in_threads()
    assert set(run.pids) == {os.getpid()}
    assert run.main_thread_read
    assert all(lane.startswith("MainProcess") for lane in run.timeline.lanes())


@pytest.mark.claim("example-3-12-needs-import-threading")
def test_listing_needs_import_threading():
    only_the_class = "from threading import Thread\nthreading.Thread(target=print)\n"
    with pytest.raises(NameError, match="'threading' is not defined"):
        exec(only_the_class, {})
    exec("import threading\nthreading.Thread(target=print)\n", {})  # fixed: runs


# --- The same name is not always the same variable -------------------------------------


@pytest.mark.claim("same-name-needs-global")
def test_without_global_the_name_is_local():
    run = tc.same_name_without_global()
    assert run.error.startswith("UnboundLocalError")
    assert run.local_value == 20
    assert run.global_after == 0


@pytest.mark.claim("thread-local-per-thread")
def test_thread_local_attribute_is_per_thread():
    run = tc.thread_local_values(n=4)
    assert run.saw == {f"t{i}": f"t{i}" for i in range(4)}
    assert not run.main_has_attribute


# --- Races and the lock -----------------------------------------------------------------


@pytest.mark.claim("forced-race-loses-update")
@pytest.mark.parametrize("attempt", range(3))
def test_forced_interleaving_loses_an_update(attempt):
    run = tc.lost_update()
    assert run.both_read_first
    assert run.reads == {"A": 0, "B": 0}
    assert run.final == 1 and run.lost == 1


@pytest.mark.claim("lock-prevents-lost-update")
def test_lock_makes_the_losing_interleaving_impossible():
    run = tc.locked_update(pause=0.5)
    assert not run.both_read_first
    assert sorted(run.reads.values()) == [0, 1]
    assert run.final == 2 and run.lost == 0
    first = min(run.reads, key=run.reads.get)
    second = max(run.reads, key=run.reads.get)
    wrote = run.timeline.said(f"{first} 写入 1").t
    (waited,) = [
        s
        for s in run.timeline.spans()
        if s.lane.endswith(f"/{second}") and s.text == "lock.acquire"
    ]
    assert waited.start < wrote < waited.end  # blocked in acquire until the first had written


@pytest.mark.claim("tight-loop-race-frequency")
def test_tight_loops_lose_by_chance_locked_loops_never(record_property):
    runs = 10
    survey = tc.race_survey(runs=runs, increments=100_000)
    for s in survey.stats:
        record_property(f"{s.loop} @ {s.switch_interval:g} s", f"{s.runs_losing}/{runs}")
        assert all(0 < f <= s.expected for f in s.finals)  # updates get lost, never invented
    for interval in (sys.getswitchinterval(), 1e-6):
        locked = survey.of("with lock: counter += one()", interval)
        assert locked.runs_losing == 0, locked.finals


# --- Semaphores, locks, queues, producer–consumer: the same with threads ----------------


@pytest.mark.claim("thread-semaphore-limits-holders")
@pytest.mark.parametrize(("permits", "workers"), [(3, 6), (1, 4)])
def test_semaphore_bounds_the_holders(permits, workers):
    run = tc.thread_semaphore(permits=permits, workers=workers, hold=0.03)
    assert 1 <= run.max_holders <= permits
    acquired = [line for line in run.timeline.transcript() if line.endswith("拿到信号量")]
    assert len(acquired) == workers


@pytest.mark.claim("thread-semaphore-limits-holders")
@pytest.mark.parametrize("permits", [1, 3])
def test_semaphore_admits_exactly_n_at_once(permits):
    run = tc.semaphore_capacity(permits=permits, patience=0.3)
    # n holders met inside the guarded section: all n held it at the same moment ...
    assert run.all_in_at_once, run
    assert run.timeline.max_overlap("waiting", "holding") == permits
    # ... and while they held it, one thread more could not get in; once they left, it could.
    assert not run.one_more_got_in and run.got_in_after, run
    (tried,) = run.timeline.spans("MainProcess/one-more")
    holding = [s for s in run.timeline.spans() if s.text == "holding"]
    assert all(h.start < tried.start and tried.end < h.end for h in holding), holding


@pytest.mark.claim("thread-queue-blocks-when-full-or-empty")
def test_bounded_queue_blocks():
    run = tc.bounded_queue(size=2, patience=0.05)
    assert run.get_on_empty == "Empty"
    assert run.put_on_full == "Full"
    assert run.put_was_waiting  # the third put was blocked inside put() when main took one ...
    assert run.blocked_put_returned_after_get  # ... and returned only after that
    assert run.order == ["item-0", "item-1", "item-2"]  # first in, first out


@pytest.mark.claim("queue-join-counts-task-done")
def test_join_waits_for_task_done():
    run = tc.queue_join(patience=0.1)
    assert run.set_up  # the queue was empty and the joiner inside q.join() when we looked
    assert not run.done_before_last_task_done
    assert run.done_after


@pytest.mark.claim("thread-producer-consumer")
def test_producer_consumer_with_threads():
    run = tc.thread_producer_consumer(size=2, items=4, make=0.0, eat=0.01)
    assert len(run.eaten) == run.made == 8
    assert len(set(run.eaten)) == 8  # each bun eaten exactly once
    for name in ("Tom", "Jerry"):
        assert [i for who, i in run.eaten if who == name] == list(range(4))  # in order
    assert run.peak <= run.size
    assert run.left == 0 and run.alive == []


@pytest.mark.claim("thread-producers-stuck-without-consumer")
def test_producers_block_once_the_consumer_has_gone():
    run = tc.stuck_producers(size=2, items=5, eats=5)
    assert sum(run.made.values()) == run.eaten + run.left_on_belt == 7
    assert run.left_on_belt == 2
    blocked = [line for line in run.timeline.transcript() if "被阻塞" in line]
    assert 1 <= len(blocked) <= 2


# --- Where threads and processes differ --------------------------------------------------


@pytest.mark.claim("queue-passes-object-not-copy")
def test_queue_queue_passes_the_object(ctx):
    run = tc.same_object_or_copy(ctx)
    assert run.thread_same_object and run.thread_change_seen
    assert not run.process_same_object and not run.process_change_seen
    assert run.process_equal


@pytest.mark.claim("threads-need-no-pickling")
def test_unpicklable_objects(ctx):
    run = tc.unpicklable_objects(ctx, patience=0.2)
    assert run.through_queue_queue
    assert run.pipe_send_error in ("PicklingError", "AttributeError")
    assert run.mp_queue_put_returned
    assert run.mp_queue_got == "queue.Empty"  # the item was dropped, not delivered
    assert "pickle" in run.feeder_printed


@pytest.mark.claim("lock-has-no-owner-rlock-does")
def test_lock_and_rlock_ownership():
    run = tc.lock_ownership()
    assert run.lock_released_by_other
    assert run.rlock_other_release == "RuntimeError: cannot release un-acquired lock"
    assert run.rlock_reentrant
    assert run.release_unlocked == "RuntimeError: release unlocked lock"


@pytest.mark.claim("threading-lock-stays-in-its-process")
def test_threading_lock_does_not_cross_processes(ctx):
    run = tc.lock_in_a_child(ctx)
    if ctx.get_start_method() == "fork":
        assert run.threading_lock == "child acquired it too: True"  # a private copy
    else:
        assert run.threading_lock.startswith("TypeError: cannot pickle '_thread.lock'")
    assert run.multiprocessing_lock == "child acquired it too: False"


@pytest.mark.claim("threading-lock-stays-in-its-process")
def test_fork_copies_a_lock_as_it_was_at_the_fork(ctx):
    if ctx.get_start_method() != "fork":
        pytest.skip(
            f"{ctx.get_start_method()} does not copy a threading.Lock into the child at all "
            "(start() cannot pickle it: see the test above); only fork copies it"
        )
    run = tc.lock_copied_at_fork(patience=0.3)
    # Held by the parent at the fork: the child's copy is locked, and stays locked although
    # the parent released its own before the child tried; nobody in the child ever will.
    assert run.held_at_fork is False
    # Free at the fork: the child takes its copy while the parent holds the original.
    assert run.free_at_fork is True


@pytest.mark.claim("pipes-between-threads")
def test_pipes_between_threads():
    run = tc.pipes_between_threads()
    assert not run.threading_has_pipe
    assert run.connection_equal and not run.connection_same
    assert run.os_pipe_bytes.decode() == "包子"


@pytest.mark.claim("threading-queue-bad-input")
def test_bad_input():
    got = tc.bad_input().outcomes
    assert got["Semaphore(-1)"] == "ValueError: semaphore initial value must be >= 0"
    assert got["BoundedSemaphore(1).release()"] == "ValueError: Semaphore released too many times"
    assert got["Semaphore(1).release(); permits"] == "2"
    assert got["Queue().get(timeout=-1)"].startswith("ValueError: 'timeout' must be")
    assert got["Queue(1).put(x, timeout=-1)"].startswith("ValueError: 'timeout' must be")
    assert got["Queue().put(x, timeout=-1)"] == "no error"
    assert got["Queue(0).full() after 3 puts"] == "False"  # 0 or less: no limit
    assert got["Queue(-1).full() after 3 puts"] == "False"
    assert got["Queue().task_done()"] == "ValueError: task_done() called too many times"
    assert got["Lock().acquire(timeout=-2)"].startswith("ValueError")
    assert got["Lock().acquire(False, timeout=1)"].startswith("ValueError")
