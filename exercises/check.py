"""Running a student's program and telling where it waits.

The program runs whole, as ``python -m exercises.eNN_slug`` would run it, in a fresh
interpreter, under the start method asked for, observed by the book's kit
(:mod:`chapter3.kit.program`): every line printed, every process started, every pool
task, with who did it and when. A program that stops making progress — its main process
and every child that still runs inside a wait (``join``, ``get``, ``recv``, ``acquire``,
...), nothing recorded for :data:`QUIET` seconds — or that runs longer than
:data:`LIMIT`, is stopped, and first asked where each of its threads waits
(``stacks/sitecustomize.py`` makes each process dump its stacks on SIGUSR1), so that
the check can say "MainProcess, ``p.join()`` (line 22) waits in Process.join" instead
of "timeout".
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from chapter3.kit import program
from chapter3.kit.events import Recorder, Timeline

HERE = Path(__file__).resolve().parent
QUIET = 1.5  # seconds with nothing recorded and every process in a wait: it is stuck
LIMIT = 10.0  # seconds a program may run at all (a wait the kit does not see: threads)
BLOCKING = {"join", "get", "put", "recv", "acquire", "wait"}  # the kit's spans of waiting
HELPERS = ("forkserver", "resource_tracker")  # multiprocessing's own, not the program's

# What a thread waiting in the standard library's file and function is doing (en, zh).
WAITS = {
    ("queues.py", "_finalize_join"): (
        "is exiting: it waits for its Queue's feeder thread to send what it put",
        "正在退出：等它的 Queue 的后台线程把放进去的数据送完",
    ),
    ("queues.py", "_feed"): (
        "is a Queue's feeder thread, sending into a full pipe",
        "是 Queue 的后台线程（feeder thread），正往已满的管道里送数据",
    ),
    # a lock's acquire is C code: only the book's observing wrapper (the kit) has a frame
    ("primitives.py", "acquire"): ("waits to acquire it", "在等待获得它"),
    ("primitives.py", "__enter__"): ("waits to acquire it", "在等待获得它"),
    ("queues.py", "get"): ("waits in Queue.get", "在 Queue.get 里等待"),
    ("queues.py", "put"): ("waits in Queue.put", "在 Queue.put 里等待"),
    ("queue.py", "get"): ("waits in queue.Queue.get", "在 queue.Queue.get 里等待"),
    ("queue.py", "put"): ("waits in queue.Queue.put", "在 queue.Queue.put 里等待"),
    ("queue.py", "join"): ("waits in queue.Queue.join", "在 queue.Queue.join 里等待"),
    ("connection.py", "recv"): ("waits in Connection.recv", "在 Connection.recv 里等待"),
    ("connection.py", "send"): ("waits in Connection.send", "在 Connection.send 里等待"),
    ("process.py", "join"): ("waits in Process.join", "在 Process.join 里等待"),
    ("synchronize.py", "__enter__"): ("waits in acquire", "在 acquire 里等待"),
    ("synchronize.py", "acquire"): ("waits in acquire", "在 acquire 里等待"),
    ("synchronize.py", "wait"): ("waits in wait", "在 wait 里等待"),
    ("threading.py", "join"): ("waits in Thread.join", "在 Thread.join 里等待"),
    ("threading.py", "wait"): ("waits in wait", "在 wait 里等待"),
    ("pool.py", "get"): ("waits in AsyncResult.get", "在 AsyncResult.get 里等待"),
    ("pool.py", "join"): ("waits in Pool.join", "在 Pool.join 里等待"),
}


@dataclass
class Wait:
    """Where one thread of a stuck process waited."""

    process: str  # MainProcess, Process-2, ...
    thread: str  # "" for the process's main thread
    line: int | None  # the line of the student's file it was on
    code: str  # that line's code
    call: tuple[str, str] | None  # what it waited in (Queue.get, Process.join, ...)

    def describe(self, lang: str = "en") -> str:
        zh = lang == "zh"
        who = self.process + (("（一个线程）" if zh else " (a thread)") if self.thread else "")
        where = ""
        if self.line:
            where = (
                f"第 {self.line} 行 `{self.code}`" if zh else f"`{self.code}` (line {self.line})"
            )
        call = self.call[1 if zh else 0] if self.call else ""
        return ("：" if zh else ", ").join(
            filter(None, [who, " ".join(filter(None, [where, call]))])
        )


@dataclass
class Run:
    """What one run of the student's program did."""

    module: str
    method: str
    returncode: int | None  # None: it was stopped
    stderr: str
    timeline: Timeline
    seconds: float
    waits: list[Wait] = field(default_factory=list)  # where it was stuck, if it was

    @property
    def stuck(self) -> bool:
        return self.returncode is None

    @property
    def printed(self) -> list[str]:
        return self.timeline.printed()


def module_of(path: Path) -> str:
    """The module name of an exercise's file (``exercises.e06_...`` or a solution's)."""
    rel = path.resolve().relative_to(HERE.parent).with_suffix("")
    return ".".join(rel.parts)


def run(path: Path, method: str, lang: str = "zh") -> Run:
    """Run the program at ``path`` whole under ``method``: until it ends, or until it is
    stuck (then say where each of its threads waited), or :data:`LIMIT` seconds."""
    module = module_of(path)
    with tempfile.TemporaryDirectory(prefix="exercise-") as tmp:
        rec = Recorder(os.path.join(tmp, "timeline.jsonl"))
        Path(rec.path).touch()
        env = program.environment()
        env["PYTHONPATH"] = os.pathsep.join([str(HERE / "stacks"), env["PYTHONPATH"]])
        env["EXERCISE_STACKS"] = tmp
        cmd = program.command(module, method, None, lang, rec.path)
        began = time.monotonic()
        with subprocess.Popen(cmd, cwd=program.ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True) as proc:  # fmt: skip
            try:
                ended = _until_stuck(proc, rec, began)
                seconds = time.monotonic() - began
                waits = [] if ended else _where(proc.pid, Path(tmp), path, rec.timeline())
            finally:
                program.kill_trees([proc], timeout=10)
            stderr = proc.stderr.read()
        return Run(module, method, proc.returncode if ended else None, stderr,
                   rec.timeline(), seconds, waits)  # fmt: skip


def _tree(pid: int) -> list[psutil.Process]:
    """The program's processes: its own, not multiprocessing's helpers (the fork server
    and the resource tracker, the main process's children), though the fork server's
    children are the program's."""
    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return []
    out = []
    for p in procs:
        try:
            helper = any(h in " ".join(p.cmdline()) for h in HELPERS)
            if not (helper and p.ppid() == pid):
                out.append(p)
        except psutil.Error:
            continue
    return out


def _waiting(tl: Timeline, now: float) -> bool:
    """Whether the timeline shows the program stuck: nothing recorded for :data:`QUIET`
    seconds, the main process inside a wait, every child started has begun its ``run``
    (one that has not is still importing: under spawn, NumPy takes seconds on a busy
    machine), and every child still in its ``run`` is inside a wait too (a child that
    computes records nothing, and is not stuck; one whose ``run`` has ended is exiting,
    or died holding what it held)."""
    if not tl or now - tl[-1].t < QUIET:
        return False
    if {e.obj for e in tl.of("started")} - {s.lane for s in tl.spans("run")}:
        return False  # a child still starting (under spawn: importing its modules)
    lanes: dict[str, set[str]] = {}
    for span in tl.open():
        lanes.setdefault(span.lane, set()).add(span.op)
    return BLOCKING & lanes.get("MainProcess", set()) != set() and all(
        BLOCKING & ops for ops in lanes.values() if "run" in ops
    )


def _until_stuck(proc: subprocess.Popen, rec: Recorder, began: float) -> bool:
    """Wait for the program to end (True), or to be stuck (False)."""
    while True:
        try:
            proc.wait(timeout=0.1)
            return True
        except subprocess.TimeoutExpired:
            pass
        if time.monotonic() - began > LIMIT or _waiting(rec.timeline(), time.monotonic()):
            return False


def _where(pid: int, stacks: Path, path: Path, tl: Timeline) -> list[Wait]:
    """Ask each process of the program where its threads wait."""
    procs = _tree(pid)
    for p in procs:
        try:
            os.kill(p.pid, signal.SIGUSR1)
        except OSError:
            continue
    names = {e.pid: e.lane for e in tl if "/" not in e.lane}
    names[pid] = "MainProcess"
    source = path.read_text(encoding="utf-8").splitlines()
    waits = []
    for p in procs:
        dump = stacks / f"{p.pid}.txt"
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline and "File" not in _read(dump):
            time.sleep(0.05)  # the dump is written by the process's signal handler
        time.sleep(0.05)
        for thread, frames in _threads(_read(dump)):
            wait = _wait(names.get(p.pid, f"pid {p.pid}"), thread, frames, path, source)
            if wait is not None:
                waits.append(wait)
    return waits


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


FRAME = re.compile(r'File "(?P<file>[^"]+)", line (?P<line>\d+) in (?P<func>\S+)')


def _threads(dump: str) -> list[tuple[str, list[tuple[str, int, str]]]]:
    """Each thread of a faulthandler dump: its id line, and its frames innermost first."""
    out = []
    for block in re.split(r"\n(?=(?:Current thread|Thread) 0x)", dump.strip()):
        head, *lines = block.splitlines()
        frames = [(m["file"], int(m["line"]), m["func"]) for m in map(FRAME.search, lines) if m]
        if frames:
            out.append((head, frames))
    return out


def _wait(process: str, head: str, frames, path: Path, source: list[str]) -> Wait | None:
    """Where one thread waits: the student's line it is on, and the call it waits in.

    A forked child's main thread still carries the frames of its parent's ``start()``
    below ``process.py:_bootstrap``: they are not where the child is."""
    named = [(Path(f).name, line, func, f) for f, line, func in frames]
    forked = [
        i
        for i, (name, _, func, _) in enumerate(named)
        if (name, func) == ("process.py", "_bootstrap")
    ]
    if forked:
        named = named[: forked[0] + 1]
    mine = [i for i, (*_, f) in enumerate(named) if Path(f).resolve() == path.resolve()]
    inside = named[: mine[0]] if mine else named
    calls = [WAITS[(name, func)] for name, _, func, _ in inside if (name, func) in WAITS]
    if not mine and not calls:
        return None  # a thread of the kit or of the interpreter, not of the program
    thread = any((name, func) == ("threading.py", "_bootstrap") for name, _, func, _ in named)
    line = named[mine[0]][1] if mine else None
    code = source[line - 1].strip() if line else ""
    return Wait(process, "a thread" if thread else "", line, code, calls[-1] if calls else None)
