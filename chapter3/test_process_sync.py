"""Claims of §3.3.3: semaphores, locks, producer–consumer, readers–writers, philosophers."""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading

import pytest

from book.cpu_slot import slot
from chapter3 import process_sync as ps

QUICK = (0.05, 0.1)  # seconds a process holds a permit in the quick runs
FAST, SLOW = (0.0, 0.003), (0.1, 0.12)  # making a bun, eating one
linux_counter = pytest.mark.skipif(
    sys.platform == "darwin", reason="macOS cannot read a semaphore's value (sem_getvalue)"
)


# --- 1. Semaphores (例 3-7) ------------------------------------------------------------


@linux_counter
@pytest.mark.claim("semaphore-value-never-negative")
def test_waiting_does_not_push_the_counter_below_zero(ctx):
    c = ps.semaphore_counter(ctx, waiters=2)
    assert c.start == 1
    assert len(set(c.waiter_pids)) == 2 and os.getpid() not in c.waiter_pids
    assert c.waiting_throughout  # both were inside acquire() all the time the value was read
    assert c.while_waiting == [0] * len(c.while_waiting)  # not -1, not -2: just 0
    assert c.try_without_blocking is False  # acquire(False) at 0: refused, nothing changes
    assert c.waiters_served == 2  # both got it in turn once the main process let go
    assert c.end == 1


@pytest.mark.claim("example-3-7-one-permit-one-holder")
def test_one_permit_means_one_holder_at_every_moment(ctx):
    run = ps.semaphore_demo(ctx, permits=1, n=4, hold=QUICK)
    assert sorted(run.served) == [0, 1, 2, 3]  # everybody got through, one after another
    assert set(run.holders) == {0, 1}  # the count at every moment: never 2
    assert run.max_holders == 1
    assert run.exitcodes == (0, 0, 0, 0)
    assert run.timeline.transcript()[-1] == "同一时刻最多有 1 个进程持有信号量"


@pytest.mark.claim("example-3-7-listing-starts-two-processes")
def test_range_2_starts_two_processes_not_the_four_of_the_output(ctx):
    listing = ps.semaphore_demo(ctx, permits=1, n=2, hold=QUICK)  # range(2), as printed
    ids = {line.split()[0] for line in listing.timeline.transcript()[:-1]}
    assert ids == {"0", "1"}
    assert len(listing.timeline.transcript()[:-1]) == 4  # 4 lines, the output shows 8
    output = ps.semaphore_demo(ctx, permits=1, n=4, hold=QUICK)  # what the output needs
    assert {line.split()[0] for line in output.timeline.transcript()[:-1]} == set("0123")


@pytest.mark.claim("example-3-7-listing-calls-itself")
def test_as_printed_nothing_runs(ctx):
    run = ps.self_calling_listing(ctx, call_it=False)
    assert (run.returncode, run.stdout, run.started) == (0, "", 0)


@pytest.mark.claim("example-3-7-listing-calls-itself")
def test_once_called_the_demo_never_returns(ctx):
    run = ps.self_calling_listing(ctx, call_it=True, levels=9)
    assert run.returncode == 0
    assert run.outcome == "RecursionError"  # never "returned"
    assert run.started > 0
    assert run.started % 2 == 0  # two more processes at every level


@pytest.mark.claim("example-3-7-three-permits-six-processes")
def test_three_permits_three_holders_never_more(ctx):
    run = ps.semaphore_demo(ctx, permits=3, n=6, hold=(0.3, 0.4))
    assert max(run.holders) == 3  # reached: all three permits in use at once
    assert run.max_holders == 3  # and never a fourth holder
    assert sorted(run.served) == list(range(6))
    later = [s for s in run.timeline.spans() if s.text == "sem.acquire"]
    assert sum(s.end - s.start > 0.2 for s in later) >= 3  # three had to wait for a permit


@pytest.mark.claim("printed-lines-are-not-holding-times")
def test_printout_can_show_two_holders_where_there_was_one(ctx):
    run = ps.printed_order(ctx)
    assert run.transcript == [
        "0 拿到了信号量",
        "1 拿到了信号量",
        "0 交还了信号量",
        "1 交还了信号量",
    ]
    assert run.max_holders == 1  # the spans inside the critical section never overlapped


@pytest.mark.claim("semaphore-over-release")
def test_release_is_not_checked_unless_bounded(ctx):
    r = ps.over_release(ctx)
    if sys.platform != "darwin":
        assert r.semaphore_value == 3  # Semaphore(2) now has 3 permits, silently
    assert r.bounded_error == "ValueError: semaphore or lock released too many times"
    assert r.negative_error.startswith("OSError")  # multiprocessing: EINVAL from sem_open
    assert r.threading_negative_error == "ValueError: semaphore initial value must be >= 0"


@pytest.mark.claim("semaphore-over-release")
def test_our_examples_refuse_bad_sizes():
    with pytest.raises(ValueError, match="permits"):
        ps.semaphore_demo(permits=0)
    with pytest.raises(ValueError, match="maxsize"):
        ps.producer_consumer(maxsize=0)
    with pytest.raises(ValueError, match="eat"):
        ps.producer_consumer(eat=11)
    with pytest.raises(ValueError, match="how"):
        ps.holder_dies(how="vanish")
    with pytest.raises(ValueError, match="permutation"):
        ps.lock_order(order=(0, 0, 1))
    with pytest.raises(ValueError, match="strategy"):
        ps.dining_philosophers(strategy="polite")
    with pytest.raises(ValueError, match="kind"):
        ps.lock_semantics(kind="Semaphore")


@pytest.mark.claim("holder-death-loses-the-permit")
def test_an_exception_between_acquire_and_release_loses_the_permit(ctx):
    run = ps.holder_dies(ctx, "raise", patience=0.3)
    assert run.holder_exitcode == 1
    assert run.next_got_permit is False  # acquire(timeout) returned False: no hang, no permit
    if sys.platform != "darwin":
        assert run.value_after == 0
    # nobody waits for anybody in a cycle: the holder is gone, not waiting
    assert "holder" not in {s.lane for s in run.timeline.spans() if s.state == "blocked"}


@pytest.mark.claim("with-gives-the-permit-back")
@pytest.mark.parametrize(
    "how, exitcode",
    [
        ("raise-in-with", 1),
        ("raise-in-finally", 1),
        ("exit-in-with", 3),
        ("terminate-handled-in-with", 128 + 15),
    ],
)
def test_with_or_finally_releases_on_the_way_out(ctx, how, exitcode):
    run = ps.holder_dies(ctx, how, patience=5.0)
    assert run.holder_exitcode == exitcode
    assert run.next_got_permit is True
    if sys.platform != "darwin":
        assert run.value_after == 1


@pytest.mark.claim("killed-holder-gives-nothing-back")
@pytest.mark.parametrize(
    "how, exitcode",
    [("terminate-in-with", -15), ("kill-in-with", -9), ("os-exit-in-with", 3)],
)
def test_no_python_code_runs_when_the_process_is_killed(ctx, how, exitcode):
    run = ps.holder_dies(ctx, how, patience=0.3)
    assert run.holder_exitcode == exitcode
    assert run.next_got_permit is False
    if sys.platform != "darwin":
        assert run.value_after == 0


# --- 2. Locks (例 3-8) ---------------------------------------------------------------


@pytest.mark.claim("example-3-8-lock-keeps-lines-whole")
def test_with_the_lock_every_line_is_whole(ctx):
    run = ps.lock_demo(ctx, n=5, pause=0.2)
    assert run.whole == 5 == len(run.lines)
    assert sorted(run.lines) == [f"{i}: Hello Python ..." for i in range(5)]
    assert run.max_writers == 1


@pytest.mark.claim("without-lock-lines-mix")
def test_without_the_lock_the_lines_mix_every_time(ctx):
    run = ps.no_lock_demo(ctx, n=5, pause=5.0)
    assert run.max_writers == 5  # all five inside the "critical section" at once
    assert run.whole == 0  # not one line came out intact
    assert sorted(run.lines[0][: 2 * 5]) == sorted("0:1:2:3:4:")  # every prefix, then the rest
    assert "".join(run.lines).count("Hello") == 5  # nothing lost: only mixed


@pytest.mark.claim("example-3-8-order-is-arrival-order")
@pytest.mark.parametrize("order", [(4, 3, 2, 1, 0), (2, 0, 4, 1, 3)])
def test_the_lock_lets_in_whoever_comes_first(ctx, order):
    run = ps.lock_order(ctx, order)
    assert run.started == [0, 1, 2, 3, 4]
    assert run.printed == list(order)


@pytest.mark.skipif(sys.platform == "win32", reason="needs SIGSTOP")
@pytest.mark.claim("lock-is-not-fifo")
def test_a_waiting_process_is_overtaken_while_it_is_not_running(ctx):
    run = ps.lock_overtaking(ctx, rounds=10, stop_waiter=True)
    assert run.overtaken == 10  # every time; a first-come-first-served lock would give 0


@pytest.mark.claim("lock-is-not-reentrant")
def test_lock_blocks_its_own_holder_rlock_does_not(ctx):
    assert ps.lock_semantics(ctx, "Lock").second_acquire is False  # it would deadlock
    assert ps.lock_semantics(ctx, "RLock").second_acquire is True


@pytest.mark.claim("lock-has-no-owner")
def test_any_process_may_release_a_lock(ctx):
    lock = ps.lock_semantics(ctx, "Lock")
    assert lock.released_by_other_process == "released"
    assert lock.after_other_release == "ValueError: semaphore or lock released too many times"
    assert lock.release_unlocked == "ValueError: semaphore or lock released too many times"
    rlock = ps.lock_semantics(ctx, "RLock")
    assert rlock.released_by_other_process == (
        "AssertionError: attempt to release recursive lock not owned by thread"
    )
    assert rlock.after_other_release == "released"


@pytest.mark.claim("lock-has-no-owner")
def test_threading_lock_says_runtimeerror_instead():
    with pytest.raises(RuntimeError, match="release unlocked lock"):
        threading.Lock().release()


# --- 3. Producer–consumer (例 3-9) ---------------------------------------------------


@pytest.fixture(
    scope="module",
    params=[(m, size) for m in multiprocessing.get_all_start_methods() for size in (2, 10)],
    ids=lambda p: f"{p[0]}-buffer-{p[1]}",
)
def buns(request):
    """One run per start method and buffer size, shared by the tests of its invariants.

    Set up before any test's CPU slot, so it takes the slot itself: a timing claim
    measuring in another worker must not share the CPUs with these processes."""
    method, size = request.param
    ctx = multiprocessing.get_context(method)
    with slot():
        return ps.producer_consumer(ctx, maxsize=size, make=FAST, chew=SLOW)


@pytest.mark.claim("example-3-9-buffer-bound")
def test_producers_never_get_more_than_the_buffer_ahead(buns):
    assert buns.high_water <= buns.maxsize
    if buns.maxsize == 2:  # fast producers, slow consumer: the buffer really fills
        assert buns.high_water == 2
        puts = [s for s in buns.timeline.spans() if s.text == "q.put"]
        assert any(s.end - s.start > 0.05 for s in puts)  # and a producer waited on put()


@pytest.mark.claim("example-3-9-buffer-bound")
def test_a_queue_of_size_zero_has_no_bound(ctx):
    q = ctx.Queue(0)
    try:
        for i in range(100):
            q.put_nowait(i)  # never queue.Full
    finally:
        q.close()
        q.join_thread()


@pytest.mark.claim("example-3-9-consumes-only-what-was-produced")
def test_every_bun_eaten_was_made_before_and_only_once(buns):
    made = {(name, i) for name, idx in buns.made.items() for i in idx}
    taken = buns.eaten + buns.left
    assert len(taken) == len(set(taken)) == 10  # no bun twice, none lost
    assert set(taken) == made
    puts = {n: [s for s in buns.timeline.spans(n) if s.text == "q.put"] for n in buns.made}
    ate = [e for e in buns.timeline if e.kind == "say" and e.en.startswith("consumer ate")]
    assert len(ate) == 5
    for e, (name, i) in zip(ate, buns.eaten, strict=True):
        assert e.en == f"consumer ate {name}'s bun {i}"
        assert puts[name][i].start < e.t  # its producer had begun putting it in


@pytest.mark.claim("example-3-9-each-producer-in-order")
def test_each_producers_buns_come_out_in_the_order_they_went_in(buns):
    taken = buns.eaten + buns.left
    for name in ps.PRODUCERS:
        mine = [i for who, i in taken if who == name]
        assert mine == sorted(mine) == list(range(5))
    assert buns.made == {"Tom": list(range(5)), "Jerry": list(range(5))}


@pytest.mark.claim("example-3-9-five-left-over")
def test_ten_made_five_eaten_five_left_and_everybody_exits(buns):
    assert len(buns.eaten) == 5
    assert len(buns.left) == 5  # collected by the main process, not computed
    assert buns.exitcodes == {"Tom": 0, "Jerry": 0, ps.CONSUMER: 0}
    assert buns.timeline.transcript().count("消费者吃饱了") == 1


@pytest.mark.claim("example-3-9-full-printed-once")
def test_the_listings_indentation_prints_full_after_every_bun(ctx):
    run = ps.producer_consumer(ctx, maxsize=2, make=FAST, chew=(0.0, 0.01), full_each_time=True)
    assert run.timeline.transcript().count("消费者吃饱了") == 5  # the output shows it once


@pytest.mark.claim("example-3-9-as-printed-never-ends")
def test_the_unjoined_program_hangs_on_a_full_buffer(ctx):
    run = ps.chapter_program(ctx, maxsize=2, make=FAST, chew=(0.0, 0.02), grace=1.0)
    assert sum(run.made.values()) == 7  # 5 eaten + 2 in the buffer: the chapter's 3 + 4
    assert all(2 <= k <= 5 for k in run.made.values())
    assert run.eaten == 5
    assert run.ended_by_itself is False  # still running, its main code long finished
    stuck = [name for name, k in run.made.items() if k < 5]
    assert run.blocked == sorted(stuck)  # exactly the producers with buns still to put
    assert run.returncode == 0  # it ended as soon as they were killed: it was waiting for them
    main_done = run.timeline.said("主程序的代码执行完了")
    assert main_done.lane == "chapter-main"


@pytest.mark.claim("example-3-9-buffer-10-ends")
def test_with_room_for_everything_the_program_ends(ctx):
    run = ps.chapter_program(ctx, maxsize=10, make=FAST, chew=(0.0, 0.02), grace=20.0)
    assert run.made == {"Tom": 5, "Jerry": 5}
    assert run.eaten == 5
    assert run.ended_by_itself is True
    assert run.returncode == 0
    assert run.blocked == []


@pytest.mark.claim("example-3-9-unjoined-parent-drops-queue")
def test_a_queue_dropped_before_a_spawned_child_unpickles_it_is_gone(ctx):
    run = ps.dropped_queue(ctx)
    if ctx.get_start_method() == "fork":
        assert run.exitcode == 0  # the child got the queue with the parent's memory
    else:
        assert run.exitcode == 1  # FileNotFoundError: its semaphores were unlinked


# --- 4. Beyond the chapter -----------------------------------------------------------


@pytest.mark.claim("readers-share-writers-exclusive")
def test_readers_together_writers_alone(ctx):
    run = ps.readers_writers(ctx, readers=3, writers=2, rounds=2, read=0.1, write=0.05)
    assert run.max_readers == 3  # all readers inside at once
    assert run.max_writers == 1
    assert run.writer_met_reader is False
    assert run.writers_waited_for_readers is True


@pytest.mark.claim("philosophers-deadlock-detected")
def test_left_fork_first_deadlocks_under_the_adversary(ctx):
    run = ps.philosophers_deadlock(ctx, eat=0.02, patience=1.0)
    assert run.deadlocked is True
    assert run.meals == [-1] * 5
    second = [
        s
        for s in run.timeline.spans()
        if s.text.startswith("fork") and s.text != f"fork {s.lane.split('-')[1]}"
    ]
    assert len(second) == 5  # every philosopher, holding its left fork, reached for the right
    assert all(s.end - s.start >= 0.9 for s in second)  # ... and waited in vain
    assert run.max_eating == 0


@pytest.mark.claim("philosophers-resource-ordering")
def test_ordered_forks_everybody_eats(ctx):
    run = ps.philosophers_ordered(ctx, eat=0.02, patience=1.0)
    assert run.meals == [2] * 5
    assert run.deadlocked is False
    assert run.neighbours_ate_together is False
    assert 1 <= run.max_eating <= 2
    fork0 = [s for s in run.timeline.spans() if s.text == "fork 0"]
    assert {s.lane for s in fork0} >= {"philosopher-0", "philosopher-4"}  # both start at fork 0
    assert max(s.end - s.start for s in fork0) >= 0.5  # the loser waited, holding nothing


@pytest.mark.claim("philosophers-waiter")
def test_four_seats_for_five_everybody_eats(ctx):
    run = ps.philosophers_waiter(ctx, eat=0.02, patience=1.0)
    assert run.meals == [2] * 5
    assert run.deadlocked is False
    assert run.neighbours_ate_together is False
    assert run.max_eating <= 2
    seats = [s for s in run.timeline.spans() if s.text == "a seat"]
    assert max(s.end - s.start for s in seats) >= 0.5  # one was kept from the table
