"""Claims of §3.4.1: Example 3-11, and a thread beside a process."""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from chapter3.kit.listing import observe
from chapter3.thread_creation import (
    args_without_comma,
    ex3_11_counter,
    process_misuse,
    thread_ids,
    thread_misuse,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.claim("example-3-11-sum-in-a-thread")
def test_example_3_11_adds_up_to_5050_in_another_thread(capsys):
    run = observe(ex3_11_counter.main)
    assert run.result == {"sum": 5050, "join_returned": None}
    (said,) = run.timeline.of("print")
    assert said.lane == "MainProcess/counter" and said.pid == os.getpid()
    assert said.value == str(run.result["sum"])  # the thread prints the sum it leaves
    (joined,) = run.timeline.spans("join", "MainProcess/counter")
    assert joined.lane == "MainProcess" and said.t <= joined.end  # join returned after it
    # Unobserved, with the real Thread.join: it returns None; n = 0 adds up to 0.
    assert ex3_11_counter.main(n=0) == {"sum": 0, "join_returned": None}
    assert capsys.readouterr().out == "0\n"


COMMON = ("start", "run", "join", "is_alive", "name", "daemon", "ident")
PROCESS_ONLY = ("pid", "exitcode", "terminate", "kill", "close", "sentinel", "authkey")


@pytest.mark.claim("thread-api-mirrors-process")
def test_thread_has_the_process_api_without_the_process_parts(ctx):
    for cls in (threading.Thread, ctx.Process):
        params = inspect.signature(cls.__init__).parameters
        assert {"target", "args", "kwargs", "name", "daemon"} <= set(params), cls
        assert all(hasattr(cls, name) for name in COMMON), cls
    assert not any(hasattr(threading.Thread, name) for name in PROCESS_ONLY)
    assert all(hasattr(ctx.Process, name) for name in PROCESS_ONLY)
    assert hasattr(threading.Thread, "native_id") and not hasattr(ctx.Process, "native_id")


@pytest.mark.claim("thread-misuse-raises-runtimeerror")
def test_misuse_raises_runtimeerror_for_threads_assertionerror_for_processes(ctx):
    thread = observe(thread_misuse.main).result
    process = observe(process_misuse.main, ctx.get_start_method()).result
    assert thread == {
        "join before start": "RuntimeError: cannot join thread before it is started",
        "start twice": "RuntimeError: threads can only be started once",
        "daemon after start": "RuntimeError: cannot set daemon status of active thread",
        "join itself": "RuntimeError: cannot join current thread",
    }
    assert process == {
        "join before start": "AssertionError: can only join a started process",
        "start twice": "AssertionError: cannot start a process twice",
        "daemon after start": "AssertionError: process has already started",
    }


@pytest.mark.claim("thread-args-error-reported-in-thread")
def test_args_without_comma_fails_inside_the_thread(ctx, monkeypatch):
    reported = []
    monkeypatch.setattr(threading, "excepthook", reported.append)
    run = observe(args_without_comma.main, ctx.get_start_method())  # main() raised nothing
    assert run.result == {
        "thread_alive": False,
        "process": "TypeError: 'int' object is not iterable",
    }
    (hook,) = reported  # what threading.excepthook received
    assert hook.exc_type is TypeError and "must be an iterable, not int" in str(hook.exc_value)
    assert hook.thread.name == "no-comma"
    (ran,) = run.timeline.spans("run", "MainProcess/no-comma")  # raised in the new thread
    (joined,) = run.timeline.spans("join", "MainProcess/no-comma")
    assert ran.end <= joined.end and joined.lane == "MainProcess"


@pytest.mark.claim("thread-ids-ident-and-native-id")
def test_each_thread_has_an_ident_and_a_native_id():
    run = observe(thread_ids.main, n=3).result
    assert run["before_start"] == [None, None]
    main = run["outside"].pop("MainThread")
    assert run["inside"] == run["outside"]
    natives = [t["native_id"] for t in run["inside"].values()] + [main["native_id"]]
    idents = [t["ident"] for t in run["inside"].values()] + [main["ident"]]
    assert len(set(natives)) == len(set(idents)) == 4
    assert not set(natives) & set(idents)  # two different numberings
    if sys.platform == "linux":  # the main thread is the task whose id is the PID
        assert main["native_id"] == run["pid"] == os.getpid()
        assert run["pid"] not in natives[:-1]


@pytest.mark.claim("daemon-threads-abandoned-at-exit")
def test_exit_waits_for_non_daemon_threads_and_abandons_daemon_threads():
    start = time.monotonic()
    done = subprocess.run(  # a program of its own: what happens when its interpreter exits
        [sys.executable, "-m", "chapter3.thread_creation.daemon_at_exit"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    seconds = time.monotonic() - start
    assert done.returncode == 0 and done.stderr == "", done
    assert seconds < 30  # the daemon thread's job would take 60 s
    # The printed lines themselves: the non-daemon finished after the main thread's last
    # line; the daemon said nothing, not even from its finally block.
    assert done.stdout.splitlines() == ["主线程：代码执行完毕", "非守护线程：工作完成"]
