"""Claims of §3.3.4: process pools, asynchronous results, callbacks, ProcessPoolExecutor."""

from __future__ import annotations

import functools
import inspect
import multiprocessing
import multiprocessing.pool
import os
import re
import signal
import sys

import pytest

from chapter3 import process_pool as pp

WORKER_NAME = re.compile(r"(Fork|Spawn|ForkServer)PoolWorker-\d+")
linux_only = pytest.mark.skipif(
    not hasattr(os, "sched_setaffinity"), reason="needs CPU affinity (Linux)"
)


def says(timeline, prefix: str) -> list:
    """The printed lines (``say`` events) that start with ``prefix``, in time order."""
    return [e for e in timeline if e.kind == "say" and e.text.startswith(prefix)]


def computes(timeline) -> list:
    """The lines 例 3-10's calculator printed, in time order."""
    return [e for e in timeline if e.kind == "say" and "的立方" in e.text]


def value_of(event) -> int:
    return int(re.search(r"计算 (\d+) 的立方", event.text).group(1))


# --- 同步与异步 -------------------------------------------------------------


@pytest.mark.claim("async-speedup-comes-from-submitting-early")
def test_speedup_comes_from_handing_over_all_tasks_first(ctx):
    run = pp.sync_vs_async(ctx, processes=3, tasks=3, seconds=0.1)
    # apply() in a loop: one task at a time, whatever the size of the pool
    assert run.overlap["apply"] == 1
    # every task handed over before waiting: they run side by side, blocking map() too
    assert run.overlap["apply_async"] >= 2
    assert run.overlap["map"] >= 2
    # ideal ratio 3 (three tasks of 0.1 s on three workers); sleeps do not need free CPUs
    assert run.seconds["apply"] > 1.5 * run.seconds["apply_async"], run.seconds
    assert run.seconds["apply"] > 1.5 * run.seconds["map"], run.seconds
    # what only the async call gives: the main process works while the tasks run
    assert run.main_worked_meanwhile


# --- the pool: how many workers, who runs what --------------------------------


@pytest.mark.claim("pool-size-defaults-to-cpu-count")
def test_pool_starts_its_workers_when_created(ctx):
    default = pp.pool_size(ctx)
    assert len(default.workers) == os.cpu_count()
    three = pp.pool_size(ctx, 3)
    assert len(three.workers) == 3
    assert all(WORKER_NAME.fullmatch(n) for n in default.workers + three.workers)


@linux_only
@pytest.mark.claim("pool-size-defaults-to-cpu-count")
def test_default_size_counts_cpus_not_usable_cpus(ctx):
    if (os.cpu_count() or 1) < 2:
        pytest.skip("needs a machine with two CPUs or more")
    run = pp.pool_size_on_one_cpu(ctx)
    assert run.usable_cpus == 1
    # 3.11 and 3.12 count every CPU (os.cpu_count); 3.13 counts usable ones
    expected = 1 if sys.version_info >= (3, 13) else run.cpu_count
    assert run.workers == expected


@pytest.mark.claim("pool-worker-runs-many-tasks")
def test_a_free_worker_takes_the_next_task(ctx):
    run = pp.free_worker_takes_next(ctx, tasks=6, patience=2.0)
    assert run.workers == 2
    assert [x for x, _, _ in run.assignments] == list(range(6))
    pids = {pid for _, _, pid in run.assignments}
    assert len(pids) == 2 and os.getpid() not in pids  # two worker processes
    (other,) = pids - {run.held_pid}
    # while one worker was held with task 0, the other took every remaining task
    assert run.done_while_held == 5
    assert [x for x, _, pid in run.assignments if pid == other] == [1, 2, 3, 4, 5]
    (held,) = [s for s in run.timeline.spans() if s.text == "gate 0"]
    lane = next(name for x, name, _ in run.assignments if x == 1)
    mine = sorted(
        (s for s in run.timeline.spans(lane) if s.text.startswith("task")), key=lambda s: s.start
    )
    assert [s.text for s in mine] == [f"task {x}" for x in range(1, 6)]  # one after another
    opened = next(e for e in run.timeline if e.kind == "mark" and e.en.endswith("meanwhile"))
    assert all(s.end < opened.t < held.end for s in mine)  # all five done, task 0 still held


@pytest.mark.claim("pool-maxtasksperchild-replaces-workers")
def test_maxtasksperchild_one_gives_each_task_a_fresh_process(ctx):
    run = pp.who_runs_what(ctx, processes=2, tasks=4, maxtasksperchild=1)
    assert len(run.pids) == 4
    assert len({name for _, name, _ in run.assignments}) == 4


@pytest.mark.claim("pool-chunksize-keeps-chunk-in-one-worker")
def test_a_chunk_runs_in_one_worker_one_task_after_another(ctx):
    # maxtasksperchild=1: a worker takes one batch and leaves, so batches cannot share one
    run = pp.who_runs_what(ctx, processes=2, tasks=6, chunksize=3, maxtasksperchild=1)
    assert len(run.pids) == 2
    for chunk in (run.assignments[:3], run.assignments[3:]):
        assert len({pid for _, _, pid in chunk}) == 1
        lane = chunk[0][1]
        spans = sorted(run.timeline.spans(lane), key=lambda s: s.start)
        mine = [s.text for s in spans if s.text in {f"task {x}" for x, _, _ in chunk}]
        assert mine == [f"task {x}" for x, _, _ in chunk]


# --- apply / apply_async / map / map_async ------------------------------------


@pytest.mark.claim("pool-apply-blocks-apply-async-does-not")
def test_apply_waits_apply_async_returns_at_once(ctx):
    run = pp.apply_vs_apply_async(ctx, seconds=0.1)
    t = run.timeline
    task = next(s for s in t.spans() if s.text == "apply")
    assert t.said("apply() 返回").t >= task.end
    assert run.apply_value != os.getpid()  # the worker's pid: the task ran elsewhere
    computed = next(s for s in t.spans() if s.text == "calculator(3)")
    # the task can only compute after main opened its gate, after apply_async returned
    assert t.said("apply_async() 返回").t < computed.start
    assert run.async_value == 27


@pytest.mark.claim("pool-map-results-in-input-order")
def test_map_async_returns_input_order_whatever_the_finishing_order(ctx):
    run = pp.map_order(ctx, release=(3, 2, 1))
    assert run.completion == (3, 2, 1)
    assert run.result == [1, 8, 27]
    assert run.callback_calls == ([1, 8, 27],)


@pytest.mark.claim("pool-map-results-in-input-order")
def test_blocking_methods_are_the_async_ones_plus_get():
    assert "self.apply_async(func, args, kwds).get()" in inspect.getsource(
        multiprocessing.pool.Pool.apply
    )
    assert "self._map_async(func, iterable, mapstar, chunksize).get()" in inspect.getsource(
        multiprocessing.pool.Pool.map
    )


# --- AsyncResult ------------------------------------------------------------------


@pytest.mark.claim("pool-get-timeout-raises-multiprocessing-timeouterror")
def test_get_timeout_raises_and_the_task_goes_on(ctx):
    run = pp.get_with_timeout(ctx, timeout=0.2)
    assert not run.ready_before
    assert run.successful_before.startswith("ValueError") and run.successful_before.endswith(
        "not ready"
    )
    assert run.timeout_error == "multiprocessing.context.TimeoutError"
    assert run.waited >= 0.18
    assert (run.value, run.ready_after, run.successful_after) == (27, True, True)
    assert not issubclass(multiprocessing.TimeoutError, TimeoutError)  # not the built-in one


@pytest.mark.claim("pool-task-exception-reraised-by-get")
def test_task_exception_travels_back_to_get(ctx):
    run = pp.task_exception(ctx)
    assert run.raised == "ValueError: bad input 1"
    assert "in fail" in run.remote_traceback and "ValueError: bad input 1" in run.remote_traceback
    assert run.successful is False
    assert run.callback_calls == 0
    assert run.error_callback_args == ("ValueError: bad input 1",)
    assert run.map_raised == "ValueError: bad input 2"
    assert (run.map_callback_calls, run.map_error_callback_calls) == (0, 1)
    # the pool goes on with the same worker processes: none died, none was replaced
    assert run.after == (1, 8, 27)
    assert run.workers_after == run.workers_before and len(run.workers_before) == 2


# --- close / join / terminate ------------------------------------------------------


@pytest.mark.claim("pool-misuse-raises-valueerror")
def test_pool_misuse_gets_value_errors(ctx):
    errors = pp.pool_misuse(ctx)
    assert errors == {
        "Pool(0)": "ValueError: Number of processes must be at least 1",
        "Pool(maxtasksperchild=0)": "ValueError: maxtasksperchild must be a positive int or None",
        "join() before close()": "ValueError: Pool is still running",
        "apply_async() after close()": "ValueError: Pool not running",
        "map() after close()": "ValueError: Pool not running",
        "apply() after terminate()": "ValueError: Pool not running",
    }


@pytest.mark.claim("pool-task-function-must-pickle")
def test_a_lambda_fails_at_get_under_every_start_method(ctx):
    at_call, at_get = pp.unpicklable_task(ctx)
    assert at_call == "no error"
    assert at_get.startswith(("AttributeError: Can't pickle local object", "PicklingError"))


@pytest.mark.claim("pool-with-exit-terminates-pending-tasks")
def test_leaving_with_kills_running_tasks(ctx):
    run = pp.with_block_exit(ctx)
    assert run.values == ("TimeoutError", "TimeoutError")
    assert run.callbacks == ()
    assert run.exitcodes == (-signal.SIGTERM, -signal.SIGTERM)
    assert not [s for s in run.timeline.spans() if s.text.startswith("calculator(")]


@pytest.mark.claim("pool-with-exit-terminates-pending-tasks")
def test_pool_exit_is_terminate():
    source = inspect.getsource(multiprocessing.pool.Pool.__exit__)
    assert "self.terminate()" in source and "close()" not in source


@pytest.mark.claim("pool-with-exit-terminates-pending-tasks")
def test_close_and_join_inside_with_let_tasks_finish(ctx):
    run = pp.with_block_exit(ctx, close_first=True)
    assert run.values == (1, 8)
    assert sorted(run.callbacks) == [1, 8]
    assert run.exitcodes == (0, 0)


# --- the comma in args ----------------------------------------------------------------


@pytest.mark.claim("apply-async-args-error-surfaces-at-get")
def test_missing_comma_fails_in_the_worker_and_shows_only_at_get(ctx):
    cases = {c.written: c for c in pp.args_without_comma(ctx).cases}
    assert {c.at_call for c in cases.values()} == {"no error"}
    number = cases["args=(3)"]
    assert number.at_get.startswith("TypeError") and "must be an iterable, not int" in number.at_get
    two = cases["args=('ab')"]
    assert two.at_get == "TypeError: shout() takes 1 positional argument but 2 were given"
    assert (
        not number.callback_called and not two.callback_called
    )  # a callback-only program: silence
    assert (cases["args=('a')"].at_get, cases["args=('a')"].callback_called) == ("'A'", True)
    assert cases["args=(3,)"].at_get == "27" and cases["args=('ab',)"].at_get == "'AB'"


# --- callbacks ---------------------------------------------------------------------------


@functools.cache
def _who_calls_back(method: str) -> pp.CallbackSite:
    return pp.who_calls_back(multiprocessing.get_context(method))


@pytest.mark.claim("callback-runs-in-parent-result-thread")
def test_callbacks_run_in_the_parent_in_the_result_thread(ctx):
    run = _who_calls_back(ctx.get_start_method())
    assert len(run.calls) == 3
    assert {c.pid for c in run.calls} == {os.getpid()} == {run.parent_pid}
    assert run.parent_pid not in run.task_pids and run.task_pids
    assert not any(c.main_thread for c in run.calls)
    threads = {c.thread for c in run.calls}
    assert len(threads) == 1 and threads.pop().endswith("(_handle_results)")


@pytest.mark.claim("callback-receives-one-argument")
def test_each_callback_gets_exactly_one_argument(ctx):
    run = _who_calls_back(ctx.get_start_method())
    assert {c.nargs for c in run.calls} == {1}
    got = {c.kind: c.argument for c in run.calls}
    assert got == {
        "apply_async": "1",
        "error_callback": "ValueError('bad input 2')",
        "map_async": "[1, 8, 27]",
    }


@pytest.mark.claim("callbacks-run-in-completion-order")
def test_callbacks_follow_the_order_results_arrive(ctx):
    run = pp.callback_order(ctx, release=(3, 1, 2))
    assert run.submitted == (1, 2, 3)
    assert run.callbacks == (27, 1, 8)


@pytest.mark.claim("slow-callback-delays-other-results")
def test_a_slow_callback_holds_up_the_next_result(ctx):
    run = pp.slow_callback(ctx, check=0.3)
    assert run.computed_while_slow
    assert run.get_timed_out and not run.ready_while_slow
    assert run.value_after == 8
    spans = run.callback_spans()
    assert spans["callback(8)"].start >= spans["callback(1)"].end


@pytest.mark.skipif(sys.version_info >= (3, 16), reason="gh-83371 changed this in Python 3.16")
@pytest.mark.parametrize("kind", ["raises", "two-args"])
@pytest.mark.claim("failing-callback-breaks-pool")
def test_a_failing_callback_kills_the_result_thread(ctx, kind):
    run = pp.failing_callback(ctx, kind=kind, check=0.3)
    assert run.died.endswith("(_handle_results)")
    expected = "RuntimeError: callback failed on 1" if kind == "raises" else "TypeError"
    assert run.error.startswith(expected)
    assert run.first_timed_out
    assert run.second_computed and run.second_timed_out
    assert run.join_blocked
    assert run.terminate_error.startswith("AssertionError: Cannot have cache with result_hand")


# --- 例 3-10 ------------------------------------------------------------------------------


@functools.cache
def _example_3_10(method: str) -> pp.AsyncPool:
    return pp.async_pool(multiprocessing.get_context(method))  # the chapter's run: Pool(4)


@pytest.mark.claim("pool-workers-are-processes-not-threads")
def test_example_3_10_tasks_run_in_worker_processes(ctx):
    run = _example_3_10(ctx.get_start_method())
    assert run.parent_pid == os.getpid()
    assert run.worker_pids and run.parent_pid not in run.worker_pids
    assert all(WORKER_NAME.fullmatch(name) for name in run.worker_names)  # a process's lane


@pytest.mark.claim("example-3-10-fixed-order")
def test_example_3_10_what_every_run_prints_in_the_same_order(ctx):
    run = _example_3_10(ctx.get_start_method())
    t = run.timeline
    lines = t.transcript()
    assert lines[0] == "apply_async:"
    assert sorted(map(repr, run.callbacks)) == ["1", "8", "[1, 8, 27]"]
    assert run.third == 27
    third_done = min(e.t for e in computes(t) if value_of(e) == 3)
    got = says(t, "没有回调")[0].t
    announced = t.said("map_async:").t
    assert third_done < got < announced
    for value in (1, 8):  # each apply_async callback comes after its own computation
        callback = says(t, f"回调函数收到结果: {value}")[0].t
        assert callback > min(e.t for e in computes(t) if value_of(e) ** 3 == value)
    whole = says(t, "回调函数收到结果: [")[0].t
    assert len([e for e in computes(t) if announced < e.t < whole]) >= 3
    assert len(computes(t)) == 6
    assert t.said("join() 返回").t > max(e.t for e in says(t, "回调函数收到结果"))


@pytest.mark.claim("example-3-10-callback-line-can-come-late")
def test_example_3_10_a_callback_line_after_map_async(ctx):
    run = pp.async_pool(ctx, processes=2, hold=(2,))
    t = run.timeline
    assert says(t, "回调函数收到结果: 8")[0].t > t.said("map_async:").t > says(t, "没有回调")[0].t


@pytest.mark.claim("example-3-10-map-async-line-position")
def test_without_get_map_async_line_can_be_first(ctx):
    run = pp.async_pool(ctx, processes=2, wait_for_third=False, hold=(1, 2, 3))
    assert run.timeline.transcript()[:2] == ["apply_async:", "map_async:"]
    assert run.third is None


@pytest.mark.claim("example-3-10-map-async-line-position")
def test_without_get_map_async_line_can_come_after_the_workers(ctx):
    run = pp.async_pool(ctx, processes=2, wait_for_third=False, main_waits=True)
    t = run.timeline
    assert len([e for e in computes(t) if e.t < t.said("map_async:").t]) == 3
    assert not says(t, "没有回调")


def test_example_3_10_rejects_settings_that_would_deadlock():
    with pytest.raises(ValueError, match="third task"):
        pp.async_pool(hold=(3,))
    with pytest.raises(ValueError, match="main would wait"):
        pp.async_pool(wait_for_third=False, main_waits=True, hold=(1,))
    with pytest.raises(ValueError, match="every worker"):
        pp.async_pool(processes=1, hold=(1,))


@pytest.mark.claim("pool-join-waits-for-pending-callbacks")
def test_a_program_without_join_drops_pending_callbacks(ctx):
    run = pp.program_end(ctx, join=False)
    assert run.exitcode == 0
    assert not run.callback_ran
    lines = run.timeline.transcript()
    assert lines[0] == "map_async:" and "程序到达末尾" in lines
    # the held task never computed; tasks 2 and 3 may have, before the pool was terminated
    assert not [line for line in lines if "计算 1 的立方" in line]


@pytest.mark.claim("pool-join-waits-for-pending-callbacks")
def test_a_program_with_join_gets_its_callback(ctx):
    run = pp.program_end(ctx, join=True)
    assert run.exitcode == 0
    assert run.callback_ran
    assert run.timeline.transcript()[-2:] == ["回调函数收到结果: [1, 8, 27]", "程序到达末尾"]


# --- ProcessPoolExecutor --------------------------------------------------------------------


@functools.cache
def _executor_work(method: str) -> pp.ExecutorWork:
    return pp.executor_same_work(multiprocessing.get_context(method), release=(3, 1, 2))


@pytest.mark.claim("executor-same-work-as-pool")
def test_executor_submit_as_completed_and_map(ctx):
    run = _executor_work(ctx.get_start_method())
    assert run.workers_at_creation == 0  # unlike Pool: no worker before the first submit
    assert run.result_timeout == "builtins.TimeoutError"
    assert run.completion == (27, 1, 8)  # as_completed: the order they finished
    assert run.mapped == (11**3, 12**3, 13**3)  # map: input order, though they finished reversed
    finished = [s for s in run.timeline.spans() if s.text in ("calculator(11)", "calculator(13)")]
    assert [s.text for s in sorted(finished, key=lambda s: s.end)] == [
        "calculator(13)",
        "calculator(11)",
    ]
    workers = {e.pid for e in run.timeline if e.text.startswith("calculator(")}
    assert run.parent_pid not in workers


@pytest.mark.claim("executor-done-callback-thread")
def test_done_callbacks_get_the_future_in_the_manager_thread(ctx):
    run = _executor_work(ctx.get_start_method())
    assert len(run.callbacks) == 3
    assert {c.thread_class for c in run.callbacks} == {"_ExecutorManagerThread"}
    assert {c.pid for c in run.callbacks} == {os.getpid()}
    assert {c.argument for c in run.callbacks} == {"Future"}
    assert run.late_callback.thread_class == "_MainThread"  # added when already done: at once


@pytest.mark.claim("executor-errors-stay-in-futures")
def test_executor_errors(ctx):
    run = pp.executor_errors(ctx)
    assert run.raised == run.exception == "ValueError: bad input 1"
    assert "in fail" in run.remote_traceback
    assert run.value_despite_callback == 8
    assert run.later_callback_ran
    assert run.logged == ("exception calling callback (RuntimeError)",)
    assert run.next_task == 27


@pytest.mark.claim("executor-with-exit-waits")
def test_leaving_executor_with_waits_for_every_task(ctx):
    run = pp.executor_shutdown(ctx, how="with", tasks=4, seconds=0.1)
    assert "cancelled" not in run.outcomes
    tasks = [s for s in run.timeline.spans() if s.text == "task"]
    assert len(tasks) == 4
    assert max(s.end for s in tasks) < run.timeline.said("关闭完成").t
    assert run.submit_after == "RuntimeError: cannot schedule new futures after shutdown"


@pytest.mark.claim("executor-cancel-futures-on-shutdown")
def test_cancel_futures_drops_what_has_not_started(ctx):
    run = pp.executor_shutdown(ctx, how="cancel", tasks=6)
    done = [o for o in run.outcomes if o != "cancelled"]
    # one worker: at most one task running and two queued for it escape cancellation
    assert len(done) <= 3
    assert run.outcomes == tuple(x**3 for x in range(len(done))) + ("cancelled",) * (6 - len(done))
    assert run.submit_after == "RuntimeError: cannot schedule new futures after shutdown"


def test_bad_arguments_of_the_examples():
    with pytest.raises(ValueError, match="kind"):
        pp.failing_callback(kind="nope")
    with pytest.raises(ValueError, match="how"):
        pp.executor_shutdown(how="nope")
    with pytest.raises(ValueError, match="three tasks"):
        pp.async_pool(tasks=(1, 2))
