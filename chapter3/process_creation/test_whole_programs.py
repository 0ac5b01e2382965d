"""Claims of §3.3.1 that only a whole program shows, each run in a fresh interpreter: the
``__main__`` guard, the end of a program that did not join, a main module with no file,
the processes a program is made of, and a main process killed from outside."""

from __future__ import annotations

import inspect
import json
import math
import os
import signal
import subprocess
import sys
import time

import psutil
import pytest

from chapter3.kit import program
from chapter3.kit.listing import observe, until
from chapter3.process_creation import (
    ex3_01_as_printed,
    ex3_01_no_join,
    ex3_01_one_child,
    notebook_target,
    orphan,
    parent_of_child,
)


def last_error(stderr: str) -> str:
    """The last ``SomeError: message`` line of a traceback (its message's first line)."""
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
    for i in range(len(lines) - 1, -1, -1):
        name, sep, message = lines[i].partition(":")
        if sep and name.isidentifier() and name.endswith("Error"):
            rest = lines[i + 1 : i + 2]
            return f"{name}: {message.strip() or (rest[0] if rest else '')}"
    return ""


def role_of(proc: psutil.Process, main_pid: int, child_pid: int | None = None) -> str:
    """Name a process of a multiprocessing program by what it is there for."""
    try:
        if proc.pid in (main_pid, child_pid, 1):
            return {main_pid: "main", child_pid: "child", 1: "init (pid 1)"}[proc.pid]
        cmdline = " ".join(proc.cmdline())
    except psutil.Error:
        return "gone"
    for needle, role in [("resource_tracker", "resource tracker"), ("forkserver", "fork server")]:
        if needle in cmdline:
            return role
    return "other"


@pytest.mark.claim("examples-need-main-guard")
@pytest.mark.parametrize("guarded", [False, True], ids=["no-guard", "guard"])
def test_main_guard_under_each_start_method(ctx, guarded):
    listing = ex3_01_one_child if guarded else ex3_01_as_printed
    # as python -m would; the child sleeps a twentieth of the chapter's 5 s
    done, tl = program.run(listing.__name__, ctx.get_start_method(), pace=0.05)
    assert done.returncode == 0  # the main program always finishes "normally"
    (child,) = [e.obj for e in tl.of("started")]
    (join,) = tl.spans("join", child)
    if guarded or ctx.get_start_method() == "fork":
        assert join.value == 0 and tl.spans("run", child)  # the target ran
        assert "Traceback" not in done.stderr
    else:
        assert join.value == 1 and not tl.spans("run", child)  # the target never ran
        # the child ran the file's top level again, and its start() failed there
        assert f'{listing.__file__}", line' in done.stderr and "in <module>" in done.stderr
        assert last_error(done.stderr) == (
            "RuntimeError: An attempt has been made to start a new process before the"
        )


@pytest.mark.claim("example-3-1-variant-says-python")
def test_example_3_1_without_join_names_python(ctx):
    # a claim about the printed text itself: which name the child's line carries
    run = observe(ex3_01_no_join.main, ctx.get_start_method(), seconds=0.2)
    said = run.timeline.printed()
    assert "Python will sleep for 0.2 seconds" in said
    assert not any("bob" in line for line in said)


@pytest.mark.claim("main-waits-for-children-at-exit")
def test_interpreter_waits_for_a_non_daemon_child(ctx):
    done, tl = program.run(ex3_01_no_join.__name__, ctx.get_start_method(), {"seconds": 1.0})
    assert done.returncode == 0
    (returned,) = tl.of("return")  # the program's code is done: main returned
    (child,) = [e.obj for e in tl.of("started")]
    (join,) = tl.spans("join", child)  # nobody in the program joined: the exit handler did
    (ran,) = tl.spans("run", child)
    assert tl.of("print", lane="MainProcess")[-1].t < returned.t < join.start
    assert join.start < ran.end <= join.end  # the main process waited for the child's end
    assert join.value == 0


@pytest.mark.claim("daemon-children-terminated-at-exit")
def test_interpreter_terminates_a_daemon_child(ctx):
    params = {"seconds": 30.0, "daemon": True}
    done, tl = program.run(ex3_01_no_join.__name__, ctx.get_start_method(), params)
    assert done.returncode == 0
    (returned,) = tl.of("return")
    (child,) = [e.obj for e in tl.of("started")]
    (code,) = tl.of("exitcode", child)  # once the exit handler is done
    assert returned.t < code.t and code.value == -signal.SIGTERM
    assert all(s.end == math.inf for s in tl.spans(lane=child))  # stopped in the middle
    # the handler joins it if it is not dead by then (not the program: after its return)
    assert all(returned.t < s.start for s in tl.spans("join", child))
    assert code.t - returned.t < 20.0  # nobody waited for its 30 s


@pytest.mark.claim("notebook-main-needs-fork")
def test_target_in_a_fileless_main_module(ctx):
    # the listing's definitions as a notebook cell: with python -c, __main__ has no file
    cell = inspect.getsource(notebook_target).partition('if __name__ == "__main__":')[0]
    cell += "\nimport json, sys\nprint(json.dumps(main(multiprocessing.get_context(sys.argv[1]))))"
    done = subprocess.run(
        [sys.executable, "-c", cell, ctx.get_start_method()],
        cwd=program.ROOT, env=program.environment(), capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]  # the main process ends normally
    result = json.loads(done.stdout.splitlines()[-1])
    if ctx.get_start_method() == "fork":
        assert result == {"exitcode": 0} and not last_error(done.stderr)
    else:
        assert result == {"exitcode": 1}
        assert last_error(done.stderr) == (
            "AttributeError: Can't get attribute 'work' on <module '__main__' (built-in)>"
        )


LAUNCHERS = {  # the modules of multiprocessing that start a child, per start method
    "fork": ("popen_fork",),
    "spawn (POSIX)": ("popen_spawn_posix",),
    "spawn (Windows)": ("popen_spawn_win32",),
    "forkserver": ("popen_forkserver", "forkserver"),
}


def launchers_and_tracker() -> dict[str, bool]:
    """For each start method's launcher (spawn on POSIX and on Windows apart): does its
    source use the resource tracker? Read, not imported: the Windows one reads on Linux."""
    import ast
    import importlib.util
    from pathlib import Path

    def uses_tracker(module: str) -> bool:
        spec = importlib.util.find_spec(f"multiprocessing.{module}")
        tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
        return any(
            (isinstance(n, ast.Name) and n.id == "resource_tracker")
            or (isinstance(n, ast.alias) and n.name.split(".")[-1] == "resource_tracker")
            for n in ast.walk(tree)
        )

    return {method: any(map(uses_tracker, mods)) for method, mods in LAUNCHERS.items()}


EXPECTED_TREES = {  # on POSIX; Windows has spawn only, and see the next test
    "fork": ["main", "child"],
    "spawn": ["main", "resource tracker", "child"],
    "forkserver": ["main", "resource tracker", "fork server", "child"],
}


@pytest.mark.skipif(sys.platform == "win32", reason="the trees of POSIX start methods")
@pytest.mark.claim("helper-processes-by-start-method")
def test_python_processes_of_a_one_child_program(ctx):
    method = ctx.get_start_method()
    with program.started(ex3_01_one_child.__name__, method, {"seconds": 60}) as (proc, rec):
        # the parent writes "started" once start() returns: the child may be asleep before
        assert until(lambda: rec.timeline().open("sleep") and rec.timeline().of("started")), (
            "the child never got to its sleep"
        )
        (started,) = rec.timeline().of("started")
        me = psutil.Process(proc.pid)
        tree = [(p.pid, p.ppid(), role_of(p, me.pid, started.value))
                for p in [me, *me.children(recursive=True)]]  # fmt: skip
        psutil.Process(started.value).terminate()  # done looking: end the 60 s sleep
        proc.wait(60)
    roles = [role for _, _, role in tree]
    assert sorted(roles) == sorted(EXPECTED_TREES[method])
    parent_of = {role: ppid for _, ppid, role in tree}
    pid_of = {role: pid for pid, _, role in tree}
    assert parent_of["child"] == pid_of["fork server" if method == "forkserver" else "main"]
    # what the launcher's source says agrees with what ran
    launcher = "spawn (POSIX)" if method == "spawn" else method
    assert ("resource tracker" in roles) is launchers_and_tracker()[launcher]


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
    run = observe(parent_of_child.main, ctx.get_start_method())
    seen = run.result
    assert seen["parent_pid"] == seen["main"] == os.getpid()
    assert seen["parent_name"] == "MainProcess"
    role = role_of(psutil.Process(seen["ppid"]), os.getpid())
    if ctx.get_start_method() == "forkserver":
        assert role == "fork server" and seen["ppid"] != seen["main"]
    else:
        assert role == "main" and seen["ppid"] == seen["main"]


@pytest.mark.claim("children-are-not-independent")
@pytest.mark.parametrize("daemon", [False, True], ids=["normal", "daemon"])
def test_killed_parent_leaves_an_orphan(ctx, daemon):
    method = ctx.get_start_method()
    params = {"work": 2.0, "patience": 60, "daemon": daemon}
    helpers: list[psutil.Process] = []
    with program.started(orphan.__name__, method, params) as (proc, rec):
        try:
            # under fork the child may speak before its parent has recorded start()
            assert until(lambda: _child_said(rec) and rec.timeline().of("started")), (
                "the child never said a word"
            )
            (started,) = rec.timeline().of("started")
            child = psutil.Process(started.value)
            helpers = psutil.Process(proc.pid).children(recursive=True)
            before = role_of(psutil.Process(child.ppid()), proc.pid, child.pid)
            killed = time.monotonic()
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(60)  # reaped: the kernel has given its children another parent
            alive = child.is_running() and child.status() != psutil.STATUS_ZOMBIE
            after = child.ppid()
            after_role = role_of(psutil.Process(after), proc.pid, child.pid)
            assert until(lambda: rec.timeline().spans("sleep", lane=started.obj))
            (work,) = rec.timeline().spans("sleep", lane=started.obj)
            psutil.wait_procs([child], timeout=60)
        finally:
            _, survivors = psutil.wait_procs(helpers, timeout=30)
            for p in survivors:
                p.kill()
    assert before == ("fork server" if method == "forkserver" else "main")
    assert alive  # even a daemon: nobody ran the exit handler that would end it
    # the child's loop ``while parent.is_alive(): wait([sentinel], 60)`` ended soon after
    # the kill: the sentinel became ready, and is_alive() returned False
    assert killed < work.start < killed + 30
    assert after != proc.pid
    if method == "forkserver":
        assert after_role == "fork server"  # the fork server still holds it
    else:
        assert after_role in ("init (pid 1)", "other")  # adopted


def _child_said(rec) -> bool:
    return any(e.lane != "MainProcess" for e in rec.timeline().of("print"))
