"""Claims of §3.3.1 about misusing ``Process``: starting twice, joining wrongly, ``args``
without its comma, targets a child cannot find — and what ``python -O`` changes."""

from __future__ import annotations

import ast
import functools
import inspect
import textwrap
from multiprocessing import process as mp_process

import pytest

from chapter3.kit import program
from chapter3.kit.listing import observe
from chapter3.process_creation import args_comma, lambda_target, misuse

NOTHING_TO_WAIT_ON = "AttributeError: 'NoneType' object has no attribute 'wait'"


@functools.cache
def fresh_misuse(method: str, optimize: bool):
    """misuse.py as a whole program in a fresh interpreter, with or without ``python -O``:
    what main returned, and the timeline (once per start method and flag, per worker)."""
    done, tl = program.run(misuse.__name__, method, {}, flags=("-O",) if optimize else ())
    assert done.returncode == 0, done.stderr[-2000:]
    (returned,) = tl.of("return")
    return returned.value, tl


@pytest.mark.claim("start-twice-is-an-error")
def test_second_start_raises_and_starts_nothing(ctx):
    run = observe(misuse.main, ctx.get_start_method())
    assert run.result["start_twice"] == "AssertionError: cannot start a process twice"
    assert not run.result["second_child"]
    first = run.timeline.of("started")[0].obj
    assert [e.obj for e in run.timeline.of("started")].count(first) == 1  # one process only
    assert run.result["exitcode"] == 0  # the first (and only) child ran normally


@pytest.mark.claim("join-before-start-is-an-error")
def test_join_before_start_raises(ctx):
    run = observe(misuse.main, ctx.get_start_method())
    assert run.result["join_before_start"] == "AssertionError: can only join a started process"


@pytest.mark.claim("join-itself-raises-not-deadlocks")
def test_joining_oneself_raises_at_once(ctx):
    run = observe(misuse.main, ctx.get_start_method())  # a deadlock would hang here
    assert run.result["child_joins_itself"] == "AssertionError: can only join a child process"
    assert run.result["main_joins_itself"] == "AssertionError: can only join a child process"
    (own,) = [s for s in run.timeline.spans("join") if s.lane == s.obj]  # the child's own
    assert own.end - own.start < 1.0  # join(1) did not even wait its second


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
    method = ctx.get_start_method()
    (plain, _), (m, tl) = fresh_misuse(method, False), fresh_misuse(method, True)
    assert not plain["optimized"] and m["optimized"]
    assert plain["start_twice"].startswith("AssertionError")
    assert m["join_before_start"] == NOTHING_TO_WAIT_ON
    assert m["child_joins_itself"] == NOTHING_TO_WAIT_ON
    assert m["main_joins_itself"] == NOTHING_TO_WAIT_ON
    no_target = "AttributeError: 'ForkProcess' object has no attribute '_target'"
    if method == "fork":
        # a second child is forked; it finds no target, and start() fails afterwards
        assert m["second_child"]
        assert m["start_twice"] == no_target
        first = tl.of("started")[0].obj
        assert [e.value for e in tl.of("raise", first)] == [no_target]  # in the second child
        assert m["exitcode"] == 1
    else:
        assert not m["second_child"]  # pickling the started object fails first
        assert m["start_twice"].startswith("TypeError: cannot pickle")
    # a check written as ``if ...: raise`` is the same with or without -O
    assert m["close_running"] == plain["close_running"]
    assert m["close_running"].startswith("ValueError: Cannot close a process while it is still")


@pytest.mark.claim("args-string-without-comma-fails-in-child")
def test_string_without_comma_fails_in_the_child(ctx):
    run = observe(args_comma.main, ctx.get_start_method())
    assert run.result["('Python')"] == 1  # the parent noticed nothing at start()...
    assert run.result["['Python']"] == 0  # any iterable will do: a list is fine
    first = run.timeline.of("started")[0].obj
    (ran,) = run.timeline.spans("run", first)
    (error,) = run.timeline.of("raise", first)  # ...the error is raised in the child
    assert error.lane == first != "MainProcess"
    assert error.value == "TypeError: greet() takes 1 positional argument but 6 were given"
    assert ran.start < error.t


@pytest.mark.claim("args-int-without-comma-fails-in-parent")
def test_int_without_comma_fails_in_the_parent(ctx):
    run = observe(args_comma.main, ctx.get_start_method())
    assert run.result["(5)"] == "TypeError: 'int' object is not iterable"
    assert len(run.timeline.of("start")) == 2  # no process was made for args=(5)


@pytest.mark.claim("target-must-pickle-except-under-fork")
def test_lambda_target_only_starts_under_fork(ctx):
    run = observe(lambda_target.main, ctx.get_start_method())
    if ctx.get_start_method() == "fork":
        assert run.result == {"start": "no error", "exitcode": 0}
    else:
        assert run.result["start"].startswith("AttributeError: Can't pickle local object")
        assert run.timeline.of("started") == []  # no child was made
