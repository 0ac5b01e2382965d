"""§3.3.1 Creating and starting processes: ``Process``, ``start()``, ``join()``.

Every function here starts real processes and returns what happened: values,
PIDs, exit codes and a :class:`~chapter3.timeline.Timeline`. Some questions can
only be answered by a whole program — what happens when the main program
reaches its end, when it has no ``if __name__ == "__main__":`` guard, when it
runs under ``python -O`` or is killed — so those functions run a small script
from ``chapter3/_scripts_process_creation/`` in a fresh interpreter (with a
timeout) and report what it did. ``python -m chapter3.process_creation``
prints each example's run.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import multiprocessing
import os
import random
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import wait
from pathlib import Path

import psutil

from chapter3.outcomes import error_of
from chapter3.runner import example, main
from chapter3.timeline import Recorder, Timeline, recording
from chapter3.waiting import context, join_all

TIMEOUT = 30.0  # seconds any blocking call may wait before the example gives up
ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = Path(__file__).resolve().parent / "_scripts_process_creation"


def last_error(stderr: str) -> str:
    """The last ``SomeError: message`` line of a traceback (multi-line messages: first line)."""
    lines = stderr.splitlines()
    for i in range(len(lines) - 1, -1, -1):
        name, sep, message = lines[i].partition(":")
        if sep and name.isidentifier() and name.endswith(("Error", "Exception")):
            rest = [ln.strip() for ln in lines[i + 1 :] if ln.strip()]
            return f"{name}: {message.strip() or (rest[0] if rest else '')}"
    return ""


# --8<-- [start:scripts]
def run_script(
    name: str, *args: str, python_flags: Sequence[str] = (), as_command: bool = False
) -> subprocess.CompletedProcess:
    """Run ``_scripts_process_creation/<name>`` in a fresh interpreter, with a timeout.

    Args:
        name: the script's file name.
        *args: its command-line arguments.
        python_flags: interpreter options, e.g. ``("-O",)``.
        as_command: pass the script's text with ``python -c`` instead of its path:
            the main module then has no file, as in a notebook or a REPL.

    Returns:
        The finished process, with its exit status, stdout and stderr as text.
    """
    script = SCRIPTS / name
    source = ["-c", script.read_text(encoding="utf-8")] if as_command else [str(script)]
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, *python_flags, *source, *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": path, "PYTHONUNBUFFERED": "1"},
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def _in_shell_lane(rec: Recorder, text: str, run: Callable[[], object], done: str, en: str):
    """Run ``run`` in a thread named ``shell`` (the launcher's lane); mark ``done`` after it."""
    box: dict[str, object] = {}

    def body() -> None:
        try:
            with rec.span("blocked", text):
                box["value"] = run()
            rec.mark(done, en=en)
        except BaseException as e:  # handed back to the caller below
            box["error"] = e

    shell = threading.Thread(target=body, name="shell")
    shell.start()
    shell.join(2 * TIMEOUT)
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]


# --8<-- [end:scripts]


# --8<-- [start:hello]
def _greet(rec: Recorder, name: str) -> None:
    rec.say(f"你好 {name}", en=f"hello {name}")


@dataclass(frozen=True)
class Hello:
    """What :func:`hello` saw."""

    parent_pid: int
    child_pid: int
    exitcode: int
    timeline: Timeline


@example()
def hello(ctx=None, name: str = "Python") -> Hello:
    """The smallest program: one child runs ``_greet(rec, name)``, the parent waits for it."""
    ctx = context(ctx)
    with recording() as rec:
        child = ctx.Process(target=_greet, args=(rec, name), name="child")
        child.start()
        with rec.span("blocked", "join"):
            join_all([child])
        return Hello(os.getpid(), child.pid, child.exitcode, rec.events())


# --8<-- [end:hello]


# --8<-- [start:start_and_join]
def _held_child(rec: Recorder, first, said, go, work: float) -> None:
    first.wait(TIMEOUT)  # the parent decides when the child may say its first line
    rec.say("子进程：第一行", en="child: first line")
    said.set()
    with rec.span("blocked", "等待 go"):
        go.wait(TIMEOUT)
    rec.sleep(work, "工作")
    rec.say("子进程：结束", en="child: done")


@dataclass(frozen=True)
class StartJoin:
    """What :func:`start_and_join` saw, at each step of the parent."""

    pid_before_start: int | None  # None: no process exists yet
    child_pid: int  # p.pid once start() has returned
    alive_after_start: bool
    exitcode_after_start: int | None
    timeout_returned: object  # what join(timeout) returned
    timeout_waited_s: float
    alive_after_timeout: bool
    exitcode: int | None  # after the full join()
    rejoin_s: float  # a second join() of the finished child
    timeline: Timeline


@example(timeout=0.3, work=0.3)
def start_and_join(
    ctx=None, child_first: bool = False, timeout: float = 1.0, work: float = 1.0
) -> StartJoin:
    """What ``start()``, ``join(timeout)`` and ``join()`` do to the parent.

    The child says its first line when the parent lets it: after the parent's
    own line (``child_first=False``) or before it (``child_first=True``). Then
    it waits for ``go``, which the parent sets only inside its final ``join()``,
    works ``work`` seconds and ends.
    """
    ctx = context(ctx)
    with recording() as rec:
        first, said, go = ctx.Event(), ctx.Event(), ctx.Event()
        p = ctx.Process(target=_held_child, args=(rec, first, said, go, work), name="child")
        pid_before = p.pid
        with rec.span("running", "start()"):
            p.start()
        try:
            if child_first:
                first.set()
                said.wait(TIMEOUT)
            rec.say("父进程：start() 之后的第一行", en="parent: first line after start()")
            first.set()
            alive, code = p.is_alive(), p.exitcode
            with rec.span("blocked", "join(timeout)"):
                t = time.monotonic()
                returned = p.join(timeout)
                waited = time.monotonic() - t
            alive_after = p.is_alive()
            rec.say(
                f"父进程：join({timeout:g}) 返回 {returned!r}，子进程仍存活：{alive_after}",
                en=f"parent: join({timeout:g}) returned {returned!r}, child alive: {alive_after}",
            )
            with rec.span("blocked", "join()"):
                go.set()
                p.join(TIMEOUT)
            rec.say(
                f"父进程：join() 返回，exitcode={p.exitcode}",
                en=f"parent: join() returned, exitcode={p.exitcode}",
            )
            t = time.monotonic()
            p.join(TIMEOUT)  # joining again: the child is long gone
            rejoin = time.monotonic() - t
        finally:
            first.set()
            go.set()
            join_all([p])
        return StartJoin(
            pid_before,
            p.pid,
            alive,
            code,
            returned,
            waited,
            alive_after,
            p.exitcode,
            rejoin,
            rec.events(),
        )


# --8<-- [end:start_and_join]


# --8<-- [start:misuse]
def _nothing() -> None:
    pass


def _join_itself(conn) -> None:
    conn.send(error_of(lambda: multiprocessing.current_process().join(1)))
    conn.close()


def _wait_for_message(conn) -> None:
    conn.poll(TIMEOUT)


@dataclass(frozen=True)
class Misuse:
    """Each misuse of :func:`misuse`, and the exception it got (``"Type: message"``)."""

    optimized: bool  # running under python -O (assert statements removed)
    start_twice: str  # what the second start() raised
    second_child_started: bool  # did the second start() launch another process?
    exitcode: int | None  # exit code of the process the object refers to in the end
    join_before_start: str
    child_joins_itself: str  # what current_process().join() raised in a child
    main_joins_itself: str  # the same in the main process
    close_running: str  # close() on a running process: a real check, not an assert


def misuse(ctx=None) -> Misuse:
    """Misuse ``Process`` on purpose and report, for each misuse, what it raised."""
    ctx = context(ctx)
    twice = ctx.Process(target=_nothing, name="twice")
    twice.start()
    first_pid = twice.pid
    start_twice = error_of(twice.start)
    second = twice.pid != first_pid
    join_all([twice])

    never_started = ctx.Process(target=_nothing)
    join_before_start = error_of(lambda: never_started.join(1))

    r, w = ctx.Pipe(duplex=False)
    joiner = ctx.Process(target=_join_itself, args=(w,), name="self-joiner")
    joiner.start()
    child_says = r.recv() if r.poll(TIMEOUT) else "no answer"
    join_all([joiner])
    main_says = error_of(lambda: multiprocessing.current_process().join(1))

    hold_r, hold_w = ctx.Pipe(duplex=False)
    running = ctx.Process(target=_wait_for_message, args=(hold_r,), name="running")
    running.start()
    close_running = error_of(running.close)
    hold_w.send("stop")
    join_all([running])
    running.close()
    for conn in (r, w, hold_r, hold_w):
        conn.close()
    return Misuse(
        bool(sys.flags.optimize),
        start_twice,
        second,
        twice.exitcode,
        join_before_start,
        child_says,
        main_says,
        close_running,
    )


# --8<-- [end:misuse]


# --8<-- [start:optimized]
@dataclass(frozen=True)
class MisuseRun:
    """:func:`misuse` in a fresh interpreter, with ``python`` or ``python -O``."""

    method: str
    misuse: Misuse
    stderr: str  # what the script and its children wrote to stderr


def misuse_in_fresh_interpreter(ctx=None, optimize: bool = False) -> MisuseRun:
    """Run :func:`misuse` (and :func:`args_without_comma`) in ``python`` or ``python -O``."""
    method = context(ctx).get_start_method()
    done = run_script("misuse.py", method, python_flags=("-O",) if optimize else ())
    if done.returncode != 0:
        raise RuntimeError(f"misuse.py failed:\n{done.stderr[-2000:]}")
    return MisuseRun(method, Misuse(**json.loads(done.stdout)["misuse"]), done.stderr)


@dataclass(frozen=True)
class SideBySide:
    """One example run under every start method, one row per method."""

    rows: dict[str, dict]  # one row per start method (and variant)
    timeline: Timeline  # one line per row, as a transcript


@example()
def misuse_side_by_side() -> SideBySide:
    """:func:`misuse` under every start method, with and without ``python -O``."""
    rows = {}
    with recording() as rec:
        for method in multiprocessing.get_all_start_methods():
            for optimize in (False, True):
                run = misuse_in_fresh_interpreter(multiprocessing.get_context(method), optimize)
                key = f"{method}{' -O' if optimize else ''}"
                rows[key] = vars(run.misuse)
                m = run.misuse
                rec.say(
                    f"{key:<13} 第二次 start → {m.start_twice}"
                    f"{'（又启动了一个进程）' if m.second_child_started else ''}；"
                    f"未 start 就 join → {m.join_before_start}；"
                    f"子进程 join 自己 → {m.child_joins_itself}",
                    en=f"{key:<13} second start → {m.start_twice}"
                    f"{' (and a second process started)' if m.second_child_started else ''}; "
                    f"join before start → {m.join_before_start}; "
                    f"child joins itself → {m.child_joins_itself}",
                )
        return SideBySide(rows, rec.events())


# --8<-- [end:optimized]


# --8<-- [start:args]
def _takes_one(name: str) -> None:
    pass


def _report_args(*args, conn) -> None:
    conn.send(args)
    conn.close()


@dataclass(frozen=True)
class ArgsWithoutComma:
    """What ``args`` without a trailing comma does, in the parent and in the child."""

    string_start_ok: bool  # start() with args=('Python') returned normally in the parent
    string_exitcode: int | None  # ... but the child failed: 1
    string_received: tuple  # what a child got from args=('Python')
    int_error: str  # Process(args=(5)) in the parent
    list_exitcode: int | None  # args=['Python']: a list is fine


def args_without_comma(ctx=None) -> ArgsWithoutComma:
    """``args=('Python')`` and ``args=(5)``: parentheses without a comma make no tuple."""
    ctx = context(ctx)
    no_comma = ctx.Process(target=_takes_one, args=("Python"), name="no-comma")
    start_ok = error_of(no_comma.start) == "no error"
    join_all([no_comma])

    r, w = ctx.Pipe(duplex=False)
    reporter = ctx.Process(target=_report_args, args=("Python"), kwargs={"conn": w})
    reporter.start()
    received = r.recv() if r.poll(TIMEOUT) else ()
    join_all([reporter])
    r.close()
    w.close()

    int_error = error_of(lambda: ctx.Process(target=_takes_one, args=(5)))

    as_list = ctx.Process(target=_takes_one, args=["Python"])
    as_list.start()
    join_all([as_list])
    return ArgsWithoutComma(start_ok, no_comma.exitcode, received, int_error, as_list.exitcode)


# --8<-- [end:args]


# --8<-- [start:pickled_target]
@dataclass(frozen=True)
class LocalTarget:
    """A lambda as ``target``: where it fails, if it does."""

    method: str
    start: str  # what start() raised in the parent, or "no error"
    started: bool  # did a child process exist afterwards?
    exitcode: int | None


def local_target(ctx=None) -> LocalTarget:
    """Start a process whose target is a lambda, which cannot be pickled."""
    ctx = context(ctx)
    p = ctx.Process(target=lambda: None, name="lambda")
    outcome = error_of(p.start)
    started = p.pid is not None
    if started:
        join_all([p])
    return LocalTarget(ctx.get_start_method(), outcome, started, p.exitcode)


@dataclass(frozen=True)
class InteractiveMain:
    """A target defined in a main module that has no file."""

    method: str
    exitcode: int | None  # the child's, as the script printed it
    error: str  # the last line of the child's traceback, if any


def interactive_main(ctx=None) -> InteractiveMain:
    """Run ``interactive.py`` with ``python -c``: a main module with no file, like a notebook."""
    method = context(ctx).get_start_method()
    done = run_script("interactive.py", method, as_command=True)
    return InteractiveMain(method, json.loads(done.stdout)["exitcode"], last_error(done.stderr))


# --8<-- [end:pickled_target]


# --8<-- [start:one_child]
def _sleeper(rec: Recorder, name: str, seconds: float) -> None:
    rec.say(f"Process ID#{os.getpid()}")
    rec.say(f"{name} will sleep for {seconds:g} seconds")
    rec.sleep(seconds, "sleep")
    rec.say(f"子进程{os.getpid()}结束。", en=f"child {os.getpid()} ends.")


@dataclass(frozen=True)
class OneChild:
    """What 例 3-1 saw."""

    parent_pid: int
    child_pid: int
    exitcode: int | None
    timeline: Timeline


@example("例 3-1", seconds=0.3)
def one_child(ctx=None, name: str = "Python", seconds: float = 5.0) -> OneChild:
    """例 3-1: one child sleeps ``seconds``; the parent starts it and joins it."""
    ctx = context(ctx)
    with recording() as rec:
        child = ctx.Process(target=_sleeper, args=(rec, name, seconds), name="child")
        child.start()
        rec.say("子进程 start 之后!", en="after the child's start!")
        rec.say("主进程即将 join", en="the main process is about to join")
        with rec.span("blocked", "join"):
            join_all([child], timeout=seconds + TIMEOUT)
        rec.say("join 之后!", en="after join!")
        rec.say(f"主进程的 ID 是: {os.getpid()}", en=f"the main process's ID is: {os.getpid()}")
        rec.say("主进程结束!", en="the main process ends!")
        return OneChild(os.getpid(), child.pid, child.exitcode, rec.events())


# --8<-- [end:one_child]


# --8<-- [start:tree]
def role_of(proc: psutil.Process, main_pid: int, child_pid: int | None = None) -> str:
    """Name a process of a multiprocessing program by what it is there for."""
    try:
        if proc.pid == main_pid:
            return "main"
        if proc.pid == child_pid:
            return "child"
        if proc.pid == 1:
            return "init (pid 1)"
        cmdline = " ".join(proc.cmdline())
    except psutil.Error:
        return "gone"
    if "resource_tracker" in cmdline:
        return "resource tracker"
    if "forkserver" in cmdline:
        return "fork server"
    return "other"


def _hold(conn) -> None:
    conn.poll(TIMEOUT)


def tree_program(method: str) -> dict:
    """Start one child, and list the Python processes of the program while it lives."""
    ctx = multiprocessing.get_context(method)
    r, w = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_hold, args=(r,), name="child")
    child.start()
    try:
        me = psutil.Process()
        tree = [
            {"pid": p.pid, "ppid": p.ppid(), "role": role_of(p, me.pid, child.pid)}
            for p in [me, *me.children(recursive=True)]
        ]
    finally:
        w.send("stop")
        join_all([child])
    return {"main": me.pid, "child": child.pid, "tree": tree}


@dataclass(frozen=True)
class ProcessTree:
    """The Python processes of a one-child program while the child lives."""

    method: str
    roles: list[str]  # the role of every Python process of the program, main first
    tree: list[dict]


def process_tree(ctx=None) -> ProcessTree:
    """The Python processes of a fresh one-child program, as the OS lists them."""
    method = context(ctx).get_start_method()
    done = run_script("tree.py", method)
    if done.returncode != 0:
        raise RuntimeError(f"tree.py failed:\n{done.stderr[-2000:]}")
    tree = json.loads(done.stdout)["tree"]
    return ProcessTree(method, [p["role"] for p in tree], tree)


@example()
def process_trees() -> SideBySide:
    """:func:`process_tree` under every start method."""
    rows = {}
    with recording() as rec:
        for method in multiprocessing.get_all_start_methods():
            run = process_tree(multiprocessing.get_context(method))
            rows[method] = {"count": len(run.roles), "roles": run.roles}
            rec.say(
                f"{method:<10} {len(run.roles)} 个 Python 进程：{'、'.join(run.roles)}",
                en=f"{method:<10} {len(run.roles)} Python processes: {', '.join(run.roles)}",
            )
        return SideBySide(rows, rec.events())


# --8<-- [end:tree]


# --8<-- [start:launchers]
LAUNCHERS = {  # the modules of multiprocessing that start a child, per start method
    "fork": ("popen_fork",),
    "spawn (POSIX)": ("popen_spawn_posix",),
    "spawn (Windows)": ("popen_spawn_win32",),
    "forkserver": ("popen_forkserver", "forkserver"),
}


def uses_resource_tracker(module: str) -> bool:
    """Whether the source of ``multiprocessing.<module>`` uses the resource tracker.

    The source is read and parsed, not imported: ``popen_spawn_win32`` can be
    read on Linux although it cannot be imported there.
    """
    spec = importlib.util.find_spec(f"multiprocessing.{module}")
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    return any(
        (isinstance(node, ast.Name) and node.id == "resource_tracker")
        or (isinstance(node, ast.alias) and node.name.split(".")[-1] == "resource_tracker")
        for node in ast.walk(tree)
    )


def launchers_and_tracker() -> dict[str, bool]:
    """For each start method (spawn on POSIX and on Windows apart): does its launcher
    start a resource tracker?"""
    return {
        method: any(uses_resource_tracker(m) for m in modules)
        for method, modules in LAUNCHERS.items()
    }


# --8<-- [end:launchers]


# --8<-- [start:parents]
def _report_parent(conn) -> None:
    parent = multiprocessing.parent_process()
    conn.send((os.getpid(), os.getppid(), parent.pid, parent.name))
    conn.close()


@dataclass(frozen=True)
class Parent:
    """The child's parent, as the OS and as ``multiprocessing`` see it."""

    method: str
    main_pid: int
    child_pid: int
    os_ppid: int  # os.getppid() in the child: its parent in the OS process tree
    os_parent_role: str  # "main" or "fork server"
    mp_parent_pid: int  # multiprocessing.parent_process().pid in the child
    mp_parent_name: str


def parent_of_child(ctx=None) -> Parent:
    """Who is the child's parent: for the OS (``os.getppid()``) and for multiprocessing."""
    ctx = context(ctx)
    r, w = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_report_parent, args=(w,), name="child")
    child.start()
    report = r.recv() if r.poll(TIMEOUT) else (child.pid, -1, -1, "")
    pid, ppid, mp_pid, mp_name = report
    role = role_of(psutil.Process(ppid), os.getpid()) if psutil.pid_exists(ppid) else "gone"
    join_all([child])
    r.close()
    w.close()
    return Parent(ctx.get_start_method(), os.getpid(), pid, ppid, role, mp_pid, mp_name)


@example()
def parents_side_by_side() -> SideBySide:
    """:func:`parent_of_child` under every start method."""
    rows = {}
    with recording() as rec:
        for method in multiprocessing.get_all_start_methods():
            p = parent_of_child(multiprocessing.get_context(method))
            rows[method] = vars(p)
            rec.say(
                f"{method:<10} 主进程 {p.main_pid}，子进程 {p.child_pid}：os.getppid()={p.os_ppid}"
                f"（{p.os_parent_role}），parent_process().pid={p.mp_parent_pid}",
                en=f"{method:<10} main {p.main_pid}, child {p.child_pid}: os.getppid()="
                f"{p.os_ppid} ({p.os_parent_role}), parent_process().pid={p.mp_parent_pid}",
            )
        return SideBySide(rows, rec.events())


# --8<-- [end:parents]


# --8<-- [start:no_join]
def no_join_program(argv: Sequence[str], run_last: list, hooks_first: bool) -> None:
    """例 3-1 with its ``join()`` removed, as a whole program (``no_join.py``).

    ``run_last`` is a list the script calls after every other exit handler,
    multiprocessing's included; ``hooks_first`` says the script registered it
    before multiprocessing registered its own.
    """
    import atexit
    import logging
    import multiprocessing.util

    method, path, name, seconds, daemon = argv
    if not hooks_first:
        raise RuntimeError("register the exit hook before multiprocessing is imported")
    multiprocessing.util.log_to_stderr(logging.INFO)  # the exit handler says what it does
    rec = Recorder(path)
    ctx = multiprocessing.get_context(method)
    child = ctx.Process(
        target=_sleeper, args=(rec, name, float(seconds)), name="child", daemon=daemon == "daemon"
    )
    child.start()
    rec.say("子进程 start 之后!", en="after the child's start!")
    rec.say(f"主进程的 ID 是: {os.getpid()}", en=f"the main process's ID is: {os.getpid()}")
    rec.say("主进程结束!", en="the main process ends!")
    # The program ends here. What follows only records what the interpreter does next:
    # registered now, this runs *before* multiprocessing's exit handler (last in, first out)
    at_exit = rec.span("blocked", "解释器退出：multiprocessing 的 atexit 处理")
    atexit.register(at_exit.__enter__)

    def after_multiprocessing() -> None:  # runs *after* it: the script registered it first
        at_exit.__exit__(None, None, None)
        rec.mark(
            f"解释器退出前：子进程 exitcode={child.exitcode}",
            en=f"before the interpreter exits: child exitcode={child.exitcode}",
        )

    run_last.append(after_multiprocessing)


@dataclass(frozen=True)
class NoJoin:
    """例 3-1 without ``join()``, run as a whole program."""

    method: str
    daemon: bool
    returncode: int  # the script's exit status
    child_pid: int | None
    child_exitcode: int | None  # as the main process saw it on its way out
    exit_log: list[str]  # what multiprocessing's exit handler logged in the main process
    timeline: Timeline  # main, child, and the "shell" that launched the script


def _no_join_run(ctx, name: str, seconds: float, daemon: bool) -> NoJoin:
    method = context(ctx).get_start_method()
    with recording() as rec:
        args = (method, rec.path, name, str(seconds), "daemon" if daemon else "normal")
        done = _in_shell_lane(
            rec,
            "python no_join.py",
            lambda: run_script("no_join.py", *args),
            "shell：脚本进程已退出",
            en="shell: the script's process has exited",
        )
        timeline = rec.events()
    log = [ln for ln in done.stderr.splitlines() if ln.startswith("[INFO/MainProcess]")]
    child = [e for e in timeline if e.lane == "child"]
    last = [e for e in timeline if e.text.startswith("解释器退出前")]
    code = int(last[-1].text.rsplit("=", 1)[1]) if last else None
    return NoJoin(
        method, daemon, done.returncode, child[0].pid if child else None, code, log, timeline
    )


@example("例 3-1", seconds=0.5)
def one_child_without_join(ctx=None, name: str = "Python", seconds: float = 5.0) -> NoJoin:
    """例 3-1 without ``join()``, run as a script: when does the main process really end?"""
    return _no_join_run(ctx, name, seconds, daemon=False)


@example(seconds=0.5)
def daemon_child_without_join(ctx=None, name: str = "Python", seconds: float = 5.0) -> NoJoin:
    """The same script with ``daemon=True``: the child is terminated at exit."""
    return _no_join_run(ctx, name, seconds, daemon=True)


# --8<-- [end:no_join]


# --8<-- [start:orphan]
def _orphan(rec: Recorder, ready, result: str, stop: str) -> None:
    parent = multiprocessing.parent_process()
    before = os.getppid()
    rec.say(f"子进程：os.getppid()={before}", en=f"child: os.getppid()={before}")
    ready.send(before)
    with rec.span("blocked", "等待父进程结束"):
        noticed = bool(wait([parent.sentinel], TIMEOUT))
    rec.say(
        f"子进程：父进程 {parent.pid} 已不在（is_alive={parent.is_alive()}），我继续运行",
        en=f"child: parent {parent.pid} is gone (is_alive={parent.is_alive()}), I go on",
    )
    deadline = time.monotonic() + TIMEOUT
    with rec.span("waiting", "继续工作"):
        while not os.path.exists(stop) and time.monotonic() < deadline:
            time.sleep(0.01)  # the test's stop file ends the orphan's "work"
    after = os.getppid()
    rec.say(f"子进程：现在 os.getppid()={after}", en=f"child: now os.getppid()={after}")
    data = {"before": before, "after": after, "noticed": noticed, "alive": parent.is_alive()}
    with open(result + ".tmp", "w", encoding="utf-8") as f:
        json.dump(data, f)
    os.replace(result + ".tmp", result)


def orphan_program(argv: Sequence[str]) -> None:
    """Start a child, tell the launcher the PIDs, then wait in ``join()`` to be killed."""
    method, path, result, stop, daemon = argv
    rec = Recorder(path)
    ctx = multiprocessing.get_context(method)
    r, w = ctx.Pipe(duplex=False)
    child = ctx.Process(
        target=_orphan, args=(rec, w, result, stop), name="child", daemon=daemon == "daemon"
    )
    child.start()
    ppid = r.recv() if r.poll(TIMEOUT) else None
    print(json.dumps({"main": os.getpid(), "child": child.pid, "ppid": ppid}), flush=True)
    rec.say(
        f"主进程：子进程 {child.pid} 已启动，我在 join 中等待",
        en=f"main: child {child.pid} started, I wait in join",
    )
    with rec.span("blocked", "join"):
        child.join(TIMEOUT)  # killed while it waits here


@dataclass(frozen=True)
class Orphan:
    """A child whose main process was killed with ``SIGKILL``."""

    method: str
    daemon: bool
    main_pid: int
    child_pid: int
    parent_before: int  # the child's os.getppid() while the main process lived
    parent_before_role: str
    parent_after: int  # its os.getppid() after the main process was killed
    parent_after_role: str
    alive_after_kill: bool  # the child still ran after its main process was gone
    noticed: bool  # the child saw parent_process().sentinel become ready
    parent_alive_seen: bool  # parent_process().is_alive() in the child, afterwards
    timeline: Timeline


def _read_line(stream, timeout: float) -> str:
    ready, _, _ = select.select([stream], [], [], timeout)
    return stream.readline() if ready else ""


@example()
def orphan_after_kill(ctx=None, daemon: bool = False) -> Orphan:
    """Kill a program's main process with SIGKILL while its child runs: what of the child?"""
    method = context(ctx).get_start_method()
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    with recording() as rec, tempfile.TemporaryDirectory(prefix="chapter3-orphan-") as tmp:
        result, stop = os.path.join(tmp, "result.json"), os.path.join(tmp, "stop")
        cmd = [
            sys.executable,
            str(SCRIPTS / "orphan.py"),
            method,
            rec.path,
            result,
            stop,
            "daemon" if daemon else "normal",
        ]
        helpers: list[psutil.Process] = []
        env = {**os.environ, "PYTHONPATH": path}
        out, err = subprocess.PIPE, subprocess.DEVNULL
        with subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=err, text=True) as script:
            try:
                line = _read_line(script.stdout, TIMEOUT)
                if not line:
                    raise RuntimeError("orphan.py did not report its PIDs")
                pids = json.loads(line)
                me = psutil.Process(script.pid)
                helpers = me.children(recursive=True)  # child, fork server, resource tracker
                before_role = role_of(psutil.Process(pids["ppid"]), pids["main"], pids["child"])

                def kill() -> int:
                    os.kill(pids["main"], signal.SIGKILL)
                    return script.wait(TIMEOUT)  # reaped: the kernel has re-parented its children

                _in_shell_lane(
                    rec,
                    "kill -9",
                    kill,
                    "shell：主进程已被杀死并回收",
                    en="shell: the main process was killed and reaped",
                )
                child = psutil.Process(pids["child"])
                alive = child.is_running() and child.status() != psutil.STATUS_ZOMBIE
                after = child.ppid()
                after_role = role_of(psutil.Process(after), pids["main"], pids["child"])
                Path(stop).touch()
                psutil.wait_procs([child], timeout=TIMEOUT)
                with open(result, encoding="utf-8") as f:
                    seen = json.load(f)
            finally:
                Path(stop).touch()
                if script.poll() is None:
                    script.kill()
                _, survivors = psutil.wait_procs(helpers, timeout=TIMEOUT)
                for p in survivors:
                    p.kill()
        timeline = rec.events()
    return Orphan(
        method,
        daemon,
        pids["main"],
        pids["child"],
        pids["ppid"],
        before_role,
        after,
        after_role,
        alive,
        seen["noticed"],
        seen["alive"],
        timeline,
    )


@example()
def orphans_side_by_side() -> SideBySide:
    """:func:`orphan_after_kill` under every start method."""
    rows = {}
    with recording() as rec:
        for method in multiprocessing.get_all_start_methods():
            o = orphan_after_kill(multiprocessing.get_context(method))
            rows[method] = {k: v for k, v in vars(o).items() if k != "timeline"}
            rec.say(
                f"{method:<10} 杀掉主进程后，子进程"
                f"{'仍在运行' if o.alive_after_kill else '已结束'}；"
                f"父进程从 {o.parent_before}（{o.parent_before_role}）变为 {o.parent_after}"
                f"（{o.parent_after_role}）",
                en=f"{method:<10} after main was killed the child "
                f"{'kept running' if o.alive_after_kill else 'was gone'}; its parent went from "
                f"{o.parent_before} ({o.parent_before_role}) to {o.parent_after} "
                f"({o.parent_after_role})",
            )
        return SideBySide(rows, rec.events())


# --8<-- [end:orphan]


# --8<-- [start:guard]
def guard_program(argv: Sequence[str]) -> None:
    """The body of ``no_guard.py`` and ``with_guard.py``: start one child and wait for it."""
    method, path = argv
    rec = Recorder(path)
    name = multiprocessing.current_process().name
    rec.say(
        f"程序的顶层代码在 {name} 中执行（{method}）",
        en=f"the program's top level runs in {name} ({method})",
    )
    ctx = multiprocessing.get_context(method)
    child = ctx.Process(target=_greet, args=(rec, "Python"), name="child")
    child.start()
    with rec.span("blocked", "join"):
        child.join(TIMEOUT)
    rec.say(f"子进程 exitcode={child.exitcode}", en=f"child exitcode={child.exitcode}")
    print(json.dumps({"exitcode": child.exitcode}), flush=True)


@dataclass(frozen=True)
class Guarded:
    """The same program with or without the ``__main__`` guard."""

    method: str
    guarded: bool
    returncode: int  # the script's exit status
    child_exitcode: int | None
    top_level_runs_in: list[str]  # every process that ran the script's top-level code
    greeted: bool  # did the child's target run?
    error: str  # the last line of a traceback on stderr, if any
    timeline: Timeline


def main_guard(ctx=None, guarded: bool = False) -> Guarded:
    """Run ``with_guard.py`` or ``no_guard.py`` (the same program, with and without guard)."""
    method = context(ctx).get_start_method()
    with recording() as rec:
        done = run_script("with_guard.py" if guarded else "no_guard.py", method, rec.path)
        timeline = rec.events()
    tops = [e.lane for e in timeline if e.kind == "say" and e.text.startswith("程序的顶层代码")]
    return Guarded(
        method,
        guarded,
        done.returncode,
        json.loads(done.stdout or "{}").get("exitcode"),
        tops,
        any(e.text == "你好 Python" for e in timeline),
        last_error(done.stderr),
        timeline,
    )


@example()
def unguarded_under_spawn() -> Guarded:
    """:func:`main_guard` without the guard, under spawn (the default on macOS and Windows)."""
    return main_guard(multiprocessing.get_context("spawn"), guarded=False)


@example()
def main_guard_side_by_side() -> SideBySide:
    """:func:`main_guard` under every start method, without and with the guard."""
    rows = {}
    with recording() as rec:
        for method in multiprocessing.get_all_start_methods():
            for guarded in (False, True):
                g = main_guard(multiprocessing.get_context(method), guarded)
                key = f"{method} {'有守卫' if guarded else '无守卫'}"
                rows[f"{method} {'guarded' if guarded else 'unguarded'}"] = {
                    k: v for k, v in vars(g).items() if k != "timeline"
                }
                rec.say(
                    f"{key:<16} 子进程 exitcode={g.child_exitcode}，顶层代码执行于 "
                    f"{g.top_level_runs_in}，问候{'出现' if g.greeted else '没有出现'}"
                    f"{'；' + g.error if g.error else ''}",
                    en=f"{method} {'guarded' if guarded else 'unguarded':<10} child exitcode="
                    f"{g.child_exitcode}, top level ran in {g.top_level_runs_in}, greeting "
                    f"{'printed' if g.greeted else 'missing'}{'; ' + g.error if g.error else ''}",
                )
        return SideBySide(rows, rec.events())


# --8<-- [end:guard]


# --8<-- [start:some_children]
def _worker(rec: Recorder, num: int, seconds: float) -> None:
    rec.say(f"Worker: {num}")
    rec.sleep(seconds, "sleep")


@dataclass(frozen=True)
class SomeChildren:
    """What 例 3-2 saw."""

    parent_pid: int
    pids: list[int]  # p.pid of each child, in creation order
    seconds: list[float]  # each child's sleep
    exitcodes: list[int | None]
    timeline: Timeline


@example("例 3-2", seconds=0.3)
def some_children(
    ctx=None, n: int = 5, seconds: float | Sequence[float] | None = None
) -> SomeChildren:
    """例 3-2: start ``n`` workers in a loop, then join them all.

    Each worker prints its number, then sleeps: ``seconds`` (one value for all,
    or one per worker), or, by default, a random 1 or 2 seconds as in the chapter.
    """
    ctx = context(ctx)
    if seconds is None:
        naps = [float(random.randint(1, 2)) for _ in range(n)]
    elif isinstance(seconds, int | float):
        naps = [float(seconds)] * n
    else:
        naps = [float(s) for s in seconds]
    if len(naps) != n:
        raise ValueError(f"seconds has {len(naps)} values for {n} workers")
    with recording() as rec:
        jobs = []
        for i in range(n):
            p = ctx.Process(target=_worker, args=(rec, i, naps[i]), name=f"worker-{i}")
            jobs.append(p)
            p.start()
        rec.say("wait joining...")
        with rec.span("blocked", "join"):
            join_all(jobs, timeout=max(naps) + TIMEOUT)
        rec.say("程序结束!", en="the program ends!")
        return SomeChildren(
            os.getpid(), [p.pid for p in jobs], naps, [p.exitcode for p in jobs], rec.events()
        )


# --8<-- [end:some_children]


# --8<-- [start:finish_order]
def _relay_worker(rec: Recorder, num: int, everyone, after, done, work: float) -> None:
    with rec.span("blocked", "barrier"):
        everyone.wait(TIMEOUT)  # passes only when all the workers are alive at once
    if after is not None:
        with rec.span("blocked", f"等 worker-{after}"):
            done[after].wait(TIMEOUT)
    rec.sleep(work, "work")
    rec.say(f"Worker {num} 完成", en=f"worker {num} done")
    done[num].set()


@dataclass(frozen=True)
class FinishOrder:
    """Workers created in one order and finishing in another."""

    created: list[int]  # creation (and start, and join) order
    finished: list[int]  # the order of the "done" lines
    exitcodes: list[int | None]
    timeline: Timeline


@example(work=0.1)
def finish_order(
    ctx=None, order: Sequence[int] = (4, 2, 0, 3, 1), work: float = 0.3
) -> FinishOrder:
    """Create workers ``0 … n-1`` in order; make them finish in ``order`` instead.

    All workers first meet at a barrier, so all of them run at the same time.
    Then each waits for the worker before it in ``order`` (the stand-in for
    "has less work to do"), works ``work`` seconds and says it is done.
    """
    ctx = context(ctx)
    n = len(order)
    if sorted(order) != list(range(n)):
        raise ValueError(f"order must be a permutation of 0..{n - 1}, not {order!r}")
    before = {num: (order[k - 1] if k else None) for k, num in enumerate(order)}
    with recording() as rec:
        everyone = ctx.Barrier(n)
        done = [ctx.Event() for _ in range(n)]
        jobs = [
            ctx.Process(
                target=_relay_worker,
                args=(rec, i, everyone, before[i], done, work),
                name=f"worker-{i}",
            )
            for i in range(n)
        ]
        for p in jobs:
            p.start()
        rec.say("wait joining...")
        with rec.span("blocked", "join"):
            join_all(jobs)
        rec.say("程序结束!", en="the program ends!")
        timeline = rec.events()
    finished = [int(e.text.split()[1]) for e in timeline if e.text.endswith("完成")]
    return FinishOrder(list(range(n)), finished, [p.exitcode for p in jobs], timeline)


# --8<-- [end:finish_order]


if __name__ == "__main__":
    main("process_creation")
