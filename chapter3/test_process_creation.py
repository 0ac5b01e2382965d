"""Claims of §3.3.1: creating, starting and joining processes (例 3-1, 例 3-2)."""

from __future__ import annotations

import ast
import functools
import inspect
import os
import signal
import sys
import textwrap
from multiprocessing import process as mp_process

import pytest

from chapter3 import process_creation
from chapter3.process_creation import (
    args_without_comma,
    finish_order,
    hello,
    interactive_main,
    launchers_and_tracker,
    local_target,
    main_guard,
    misuse,
    misuse_in_fresh_interpreter,
    one_child,
    orphan_after_kill,
    parent_of_child,
    process_tree,
    some_children,
    start_and_join,
)


@functools.cache
def fresh_misuse(method: str, optimize: bool):
    """misuse.py in a fresh interpreter, once per (start method, -O) in each test worker."""
    import multiprocessing

    return misuse_in_fresh_interpreter(multiprocessing.get_context(method), optimize)


def method(ctx) -> str:
    return ctx.get_start_method()


# ---------------------------------------------------------------- Process, target, args


@pytest.mark.claim("child-runs-target-with-args")
def test_child_runs_the_target_with_its_arguments(ctx):
    run = hello(ctx, name="Python")
    assert run.timeline.transcript() == ["你好 Python"]
    greeting = run.timeline.said("你好 Python")
    assert greeting.pid == run.child_pid != run.parent_pid == os.getpid()
    assert run.exitcode == 0


# ---------------------------------------------------------------- start() and join()


@pytest.mark.claim("start-returns-before-target-runs")
@pytest.mark.parametrize("child_first", [False, True], ids=["parent-first", "child-first"])
def test_start_returns_at_once_and_either_line_can_come_first(ctx, child_first):
    run = start_and_join(ctx, child_first=child_first, timeout=0.2, work=0.2)
    assert run.alive_after_start and run.exitcode_after_start is None
    said = run.timeline.transcript()
    parent, child = said.index("父进程：start() 之后的第一行"), said.index("子进程：第一行")
    assert (child < parent) if child_first else (parent < child)


@pytest.mark.claim("join-blocks-the-caller")
def test_join_blocks_the_parent_until_the_child_ends(ctx):
    run = start_and_join(ctx, timeout=0.2, work=0.3)
    (join,) = [s for s in run.timeline.spans("MainProcess") if s.text == "join()"]
    child_done = run.timeline.said("子进程：结束")
    assert child_done.pid == run.child_pid
    assert join.start < child_done.t < join.end
    # the child never blocks in a join: its only wait is for "go", its work runs meanwhile
    assert {s.text for s in run.timeline.spans("child")} == {"等待 go", "工作"}
    assert run.exitcode == 0


@pytest.mark.claim("join-timeout-returns-none")
def test_join_with_timeout_returns_none_while_the_child_runs(ctx):
    run = start_and_join(ctx, timeout=0.3, work=0.1)
    assert run.timeout_returned is None
    assert run.alive_after_timeout
    assert 0.9 * 0.3 <= run.timeout_waited_s < 0.3 + 10.0
    assert run.exitcode == 0


@pytest.mark.claim("join-can-repeat")
def test_a_finished_child_can_be_joined_again(ctx):
    run = start_and_join(ctx, timeout=0.1, work=0.1)
    assert run.exitcode == 0
    assert run.rejoin_s < 1.0  # returns at once: nothing left to wait for


@pytest.mark.claim("start-twice-is-an-error")
def test_second_start_raises_and_starts_nothing(ctx):
    run = misuse(ctx)
    assert run.start_twice == "AssertionError: cannot start a process twice"
    assert not run.second_child_started
    assert run.exitcode == 0  # the first (and only) child ran normally


@pytest.mark.claim("join-before-start-is-an-error")
def test_join_before_start_raises(ctx):
    assert misuse(ctx).join_before_start == "AssertionError: can only join a started process"


@pytest.mark.claim("join-itself-raises-not-deadlocks")
def test_joining_oneself_raises_at_once(ctx):
    run = misuse(ctx)  # a deadlock would hang here until the test's timeout
    assert run.child_joins_itself == "AssertionError: can only join a child process"
    assert run.main_joins_itself == "AssertionError: can only join a child process"


def _assert_messages(function: ast.FunctionDef) -> set[str]:
    return {
        node.msg.value
        for node in ast.walk(function)
        if isinstance(node, ast.Assert) and isinstance(node.msg, ast.Constant)
    }


@pytest.mark.claim("process-guards-are-asserts")
def test_the_guards_are_assert_statements_in_the_standard_library():
    tree = ast.parse(textwrap.dedent(inspect.getsource(mp_process.BaseProcess)))
    methods = {n.name: n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
    assert "cannot start a process twice" in _assert_messages(methods["start"])
    assert {"can only join a child process", "can only join a started process"} <= (
        _assert_messages(methods["join"])
    )
    # close() checks with a real ``raise``: that one survives python -O
    assert not _assert_messages(methods["close"])
    assert any(isinstance(n, ast.Raise) for n in ast.walk(methods["close"]))


@pytest.mark.claim("guards-change-under-optimize")
def test_python_o_removes_the_guards(ctx):
    plain, optimized = fresh_misuse(method(ctx), False), fresh_misuse(method(ctx), True)
    assert not plain.misuse.optimized and optimized.misuse.optimized
    assert plain.misuse.start_twice.startswith("AssertionError")
    m = optimized.misuse
    nothing_to_wait_on = "AttributeError: 'NoneType' object has no attribute 'wait'"
    assert m.join_before_start == nothing_to_wait_on
    assert m.child_joins_itself == nothing_to_wait_on
    assert m.main_joins_itself == nothing_to_wait_on
    if method(ctx) == "fork":
        # a second child is forked; it finds no target, and start() fails afterwards
        assert m.second_child_started
        assert m.start_twice == "AttributeError: 'ForkProcess' object has no attribute '_target'"
        assert "AttributeError: 'ForkProcess' object has no attribute '_target'" in (
            optimized.stderr
        )
        assert m.exitcode == 1
    else:
        assert not m.second_child_started  # pickling the started object fails first
        assert m.start_twice.startswith("TypeError: cannot pickle")
    # a check written as ``if ...: raise`` is the same with or without -O
    assert m.close_running == plain.misuse.close_running
    assert m.close_running.startswith("ValueError: Cannot close a process while it is still")


@pytest.mark.claim("args-string-without-comma-fails-in-child")
def test_string_without_comma_fails_in_the_child(ctx):
    run = args_without_comma(ctx)
    assert run.string_start_ok  # the parent notices nothing at start()
    assert run.string_received == tuple("Python")  # six one-letter arguments
    assert run.string_exitcode == 1
    assert run.list_exitcode == 0  # any iterable will do: a list is fine
    stderr = fresh_misuse(method(ctx), False).stderr  # the child's own traceback
    assert "Process no-comma:" in stderr
    assert "TypeError: _takes_one() takes 1 positional argument but 6 were given" in stderr


@pytest.mark.claim("args-int-without-comma-fails-in-parent")
def test_int_without_comma_fails_in_the_parent(ctx):
    assert args_without_comma(ctx).int_error == "TypeError: 'int' object is not iterable"


@pytest.mark.claim("target-must-pickle-except-under-fork")
def test_lambda_target_only_starts_under_fork(ctx):
    run = local_target(ctx)
    if method(ctx) == "fork":
        assert run.start == "no error" and run.exitcode == 0
    else:
        assert run.start.startswith("AttributeError: Can't pickle local object")
        assert not run.started


@pytest.mark.claim("notebook-main-needs-fork")
def test_target_in_a_fileless_main_module(ctx):
    run = interactive_main(ctx)
    if method(ctx) == "fork":
        assert run.exitcode == 0 and not run.error
    else:
        assert run.exitcode == 1
        assert run.error == (
            "AttributeError: Can't get attribute 'work' on <module '__main__' (built-in)>"
        )


# ---------------------------------------------------------------- PIDs, 例 3-1


@pytest.mark.claim("pid-assigned-at-start")
def test_pids_come_from_the_os_at_start(ctx):
    run = start_and_join(ctx, timeout=0.1, work=0.1)
    assert run.pid_before_start is None
    assert {e.pid for e in run.timeline if e.lane == "child"} == {run.child_pid}
    many = some_children(ctx, n=5, seconds=0.05)
    assert len(set(many.pids)) == 5 and os.getpid() not in many.pids
    for i, pid in enumerate(many.pids):
        assert many.timeline.said(f"Worker: {i}").pid == pid


@pytest.mark.claim("example-3-1-output")
def test_example_3_1_prints_what_the_chapter_shows(ctx):
    run = one_child(ctx, name="Python", seconds=0.2)
    tl, pid = run.timeline, run.child_pid
    child_end = f"子进程{pid}结束。"
    parent = [e.text for e in tl if e.kind == "say" and e.lane == "MainProcess"]
    child = [e.text for e in tl if e.kind == "say" and e.lane == "child"]
    assert child == [f"Process ID#{pid}", "Python will sleep for 0.2 seconds", child_end]
    assert parent == [
        "子进程 start 之后!",
        "主进程即将 join",
        "join 之后!",
        f"主进程的 ID 是: {os.getpid()}",
        "主进程结束!",
    ]
    assert tl.said(child_end).t < tl.said("join 之后!").t
    assert pid != run.parent_pid and run.exitcode == 0


EXPECTED_TREES = {  # on POSIX; Windows has spawn only, and see the next test
    "fork": ["main", "child"],
    "spawn": ["main", "resource tracker", "child"],
    "forkserver": ["main", "resource tracker", "fork server", "child"],
}


@pytest.mark.skipif(sys.platform == "win32", reason="the trees of POSIX start methods")
@pytest.mark.claim("helper-processes-by-start-method")
def test_python_processes_of_a_one_child_program(ctx):
    run = process_tree(ctx)
    assert sorted(run.roles) == sorted(EXPECTED_TREES[method(ctx)])
    assert len({p["pid"] for p in run.tree}) == len(run.tree)  # so many distinct processes
    parent_of = {p["role"]: p["ppid"] for p in run.tree}
    pid_of = {p["role"]: p["pid"] for p in run.tree}
    expected_parent = "fork server" if method(ctx) == "forkserver" else "main"
    assert parent_of["child"] == pid_of[expected_parent]
    # what the launcher's source says agrees with what ran
    launcher = "spawn (POSIX)" if method(ctx) == "spawn" else method(ctx)
    assert ("resource tracker" in run.roles) is launchers_and_tracker()[launcher]


@pytest.mark.claim("helper-processes-by-start-method")
def test_only_the_posix_launchers_of_spawn_and_forkserver_use_a_resource_tracker():
    assert launchers_and_tracker() == {
        "fork": False,
        "spawn (POSIX)": True,
        "spawn (Windows)": False,  # Windows: main and child, two processes, as the chapter says
        "forkserver": True,
    }


@pytest.mark.claim("child-parent-by-start-method")
def test_who_is_the_childs_parent(ctx):
    run = parent_of_child(ctx)
    assert run.mp_parent_pid == run.main_pid == os.getpid()
    assert run.mp_parent_name == "MainProcess"
    if method(ctx) == "forkserver":
        assert run.os_parent_role == "fork server" and run.os_ppid != run.main_pid
    else:
        assert run.os_parent_role == "main" and run.os_ppid == run.main_pid


@pytest.mark.claim("children-are-not-independent")
@pytest.mark.parametrize("daemon", [False, True], ids=["normal", "daemon"])
def test_killed_parent_leaves_an_orphan(ctx, daemon):
    run = orphan_after_kill(ctx, daemon=daemon)
    expected_parent = "fork server" if method(ctx) == "forkserver" else "main"
    assert run.parent_before_role == expected_parent
    assert run.alive_after_kill  # even a daemon: nobody ran the exit handler that kills it
    assert run.noticed and not run.parent_alive_seen  # the child can tell its parent is gone
    assert run.parent_after != run.main_pid
    if method(ctx) == "forkserver":
        assert run.parent_after == run.parent_before  # the fork server still holds it
    else:
        assert run.parent_after_role in ("init (pid 1)", "other")  # adopted


@pytest.mark.claim("example-3-1-variant-says-python")
def test_example_3_1_without_join_names_python(ctx):
    run = process_creation.one_child_without_join(ctx, name="Python", seconds=0.2)
    said = run.timeline.transcript()
    assert "Python will sleep for 0.2 seconds" in said
    assert not any("bob" in line for line in said)


@pytest.mark.claim("main-waits-for-children-at-exit")
def test_interpreter_waits_for_a_non_daemon_child(ctx):
    run = process_creation.one_child_without_join(ctx, seconds=1.5)
    tl = run.timeline
    last_line = tl.said("主进程结束!")
    child_end = tl.said(f"子进程{run.child_pid}结束。")
    (at_exit,) = [s for s in tl.spans("MainProcess") if s.text.startswith("解释器退出")]
    exited = tl.said("shell：脚本进程已退出")
    # the child is still alive when the exit handler looks: it joins it
    assert "[INFO/MainProcess] calling join() for process child" in run.exit_log
    assert last_line.t <= at_exit.start < child_end.t <= at_exit.end <= exited.t
    assert run.child_exitcode == 0 and run.returncode == 0


@pytest.mark.claim("daemon-children-terminated-at-exit")
def test_interpreter_terminates_a_daemon_child(ctx):
    run = process_creation.daemon_child_without_join(ctx, seconds=30.0)
    tl = run.timeline
    assert "[INFO/MainProcess] calling terminate() for daemon child" in run.exit_log
    assert run.child_exitcode == -signal.SIGTERM
    assert not any(line.endswith("结束。") for line in tl.transcript())
    assert tl.said("shell：脚本进程已退出").t - tl.said("主进程结束!").t < 20.0
    assert run.returncode == 0


@pytest.mark.claim("examples-need-main-guard")
@pytest.mark.parametrize("guarded", [False, True], ids=["no-guard", "guard"])
def test_main_guard_under_each_start_method(ctx, guarded):
    run = main_guard(ctx, guarded=guarded)
    assert run.returncode == 0  # the main program always finishes "normally"
    if guarded or method(ctx) == "fork":
        assert run.child_exitcode == 0 and run.greeted
        assert run.top_level_runs_in == ["MainProcess"]
    else:
        assert run.child_exitcode == 1 and not run.greeted
        assert run.top_level_runs_in == ["MainProcess", "child"]
        assert run.error == (
            "RuntimeError: An attempt has been made to start a new process before the"
        )


# ---------------------------------------------------------------- 例 3-2


@pytest.mark.claim("children-run-concurrently")
def test_all_workers_are_alive_at_once(ctx):
    run = finish_order(ctx, order=(0, 1, 2, 3, 4), work=0.02)
    assert run.exitcodes == [0] * 5  # every worker passed the 5-party barrier
    assert run.timeline.max_overlap("blocked", "barrier") == 5
    waits = [e for e in run.timeline if e.kind == "begin" and e.text == "barrier"]
    pids = {e.pid for e in waits}
    assert len(waits) == len(pids) == 5 and os.getpid() not in pids  # five processes


@pytest.mark.claim("finish-order-follows-work-not-creation")
@pytest.mark.parametrize("order", [(4, 3, 2, 1, 0), (2, 0, 4, 1, 3)], ids=str)
def test_workers_finish_in_the_order_of_their_work(ctx, order):
    run = finish_order(ctx, order=order, work=0.02)
    assert run.created == [0, 1, 2, 3, 4]
    assert run.finished == list(order)
    assert run.timeline.transcript()[-1] == "程序结束!"


@pytest.mark.claim("example-3-2-order-set-before-sleep")
def test_each_worker_prints_before_it_sleeps(ctx):
    run = some_children(ctx, n=5, seconds=[0.2, 0.15, 0.1, 0.05, 0.0])
    for i in range(5):
        (nap,) = run.timeline.spans(f"worker-{i}")
        assert run.timeline.said(f"Worker: {i}").t <= nap.start


@pytest.mark.claim("example-3-2-waits-for-all")
def test_example_3_2_ends_after_every_worker(ctx):
    run = some_children(ctx, n=5, seconds=0.1)
    tl = run.timeline
    assert run.exitcodes == [0] * 5
    the_end = tl.said("程序结束!")
    assert tl.said("wait joining...").t < the_end.t
    assert all(e.t <= the_end.t for e in tl if e.lane != "MainProcess")
    assert sorted(tl.transcript()[:-1]) == sorted(
        ["wait joining...", *(f"Worker: {i}" for i in range(5))]
    )


def test_bad_arguments_get_clear_errors():
    with pytest.raises(ValueError, match="permutation"):
        finish_order(order=(0, 0, 1))
    with pytest.raises(ValueError, match="3 values for 5 workers"):
        some_children(n=5, seconds=[1, 2, 3])
