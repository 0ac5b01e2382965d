"""``python -m chapter3.kit.program TIMELINE METHOD LANG MODULE PARAMS [PACE]``: a listing
run as a whole program, in a fresh interpreter, observed.

Some claims are about what only a whole program shows: what the interpreter does once
the program's last line has run (its exit handler joins or terminates the children
still running), a program without the ``if __name__ == "__main__":`` guard, ``python
-O``, a main process killed from outside. Unlike :func:`chapter3.kit.listing.observe`,
nothing here joins or stops a child on the program's behalf: the events go to
``TIMELINE`` (the caller's file, left in place — a process killed half-way loses
nothing it wrote), and when the program's code is done a ``return`` event (with what
``main`` returned) marks the moment; what follows is the interpreter's exit. Once
``multiprocessing``'s exit handler has run, an ``exitcode`` event per child says what the
program knows of it then (``None``: it was left running, unwaited).

``PARAMS`` (JSON) are passed to the listing's ``main`` (or ``MODULE:FUNCTION``), with an
observed context. With ``PARAMS`` ``-`` the module is run as ``__main__`` instead, as
``python -m MODULE`` would
(its guard, or its missing guard, decides what happens); then the ``multiprocessing``
module itself is the observed context for this process, so a ``main(ctx=multiprocessing)``
called by the program's own last lines is observed too, and so are its children, whose
sleeps take ``PACE`` times what they ask (default 1): run whole, a program has the
chapter's settings, and a claim about its guard need not wait the chapter's 5 seconds.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import json
import multiprocessing
import multiprocessing.util
import os
import runpy
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from chapter3.kit.events import Recorder, Timeline, recording
from chapter3.kit.listing import Watch
from chapter3.kit.observe import Observation, ObservedContext, _Lines

#: The primitives of ``multiprocessing`` an observed context stands in for.
PRIMITIVES = ("Process", "Lock", "RLock", "Semaphore", "BoundedSemaphore", "Event", "Barrier",
              "Condition", "Queue", "Pipe", "Value", "Array", "Pool")  # fmt: skip


def exit_codes_after_exit_handler(rec: Recorder, ctx: ObservedContext) -> None:
    """Have ``multiprocessing``'s exit handler (it joins the children still running, and
    first terminates the daemons) followed by an ``exitcode`` event for each child: the
    exit code the program learnt, without waiting for any child itself."""
    handler = multiprocessing.util._exit_function

    def then_record() -> None:
        handler()
        for p in ctx.processes:
            popen = getattr(p, "_popen", None)
            rec.write("exitcode", p.name, value=None if popen is None else popen.returncode)

    atexit.unregister(handler)
    atexit.register(then_record)


def run_as_main(rec: Recorder, method: str, lang: str, module: str, pace: float = 1.0) -> None:
    """Run ``module`` as ``__main__`` with ``multiprocessing``'s primitives observed (and
    its children's sleeps at ``pace``: a program run whole takes the chapter's settings)."""
    multiprocessing.set_start_method(method)
    obs = Observation(rec, ("__main__",), lang, pace=pace)
    ctx = ObservedContext(obs, method)
    exit_codes_after_exit_handler(rec, ctx)
    for name in PRIMITIVES:
        setattr(multiprocessing, name, getattr(ctx, name))
    sys.stdout = _Lines(obs, sys.stdout)
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    finally:
        sys.stdout.flush()
        rec.write("return")


ROOT = Path(__file__).resolve().parents[2]


def command(
    module: str, method: str, params: dict | None, lang: str, path: str, flags=(), pace=1.0
):
    """The command line that runs ``module`` as a program (``params=None``: as ``__main__``,
    its children sleeping at ``pace``)."""
    args = [path, method, lang, module, "-" if params is None else json.dumps(params), str(pace)]
    return [sys.executable, *flags, "-m", "chapter3.kit.program", *args]


def environment() -> dict[str, str]:
    """This environment, with the book importable and output unbuffered."""
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path, "PYTHONUNBUFFERED": "1"}


@contextlib.contextmanager
def started(
    module: str, method: str, params: dict | None = None, lang: str = "zh", flags=()
) -> Iterator[tuple[subprocess.Popen, Recorder]]:
    """The program running in a fresh interpreter, and the recorder of its timeline; the
    block's end waits for it (or kills it) and closes its pipes."""
    with recording() as rec:
        cmd = command(module, method, params, lang, rec.path, flags)
        out, err = subprocess.DEVNULL, subprocess.PIPE
        with subprocess.Popen(cmd, cwd=ROOT, env=environment(), stdout=out, stderr=err,
                              text=True) as proc:  # fmt: skip
            try:
                yield proc, rec
            finally:
                if proc.poll() is None:
                    proc.kill()


def run(
    module: str, method: str, params: dict | None = None, lang: str = "zh", flags=(),
    timeout: float = 120, pace: float = 1.0,
) -> tuple[subprocess.CompletedProcess, Timeline]:  # fmt: skip
    """Run the program to its end in a fresh interpreter: its exit status, stderr, and
    the timeline of every process it started."""
    with recording() as rec:
        cmd = command(module, method, params, lang, rec.path, flags, pace)
        out, err = subprocess.DEVNULL, subprocess.PIPE
        done = subprocess.run(cmd, cwd=ROOT, env=environment(), stdout=out, stderr=err,
                              text=True, timeout=timeout, check=False)  # fmt: skip
        return done, rec.timeline()


def unobserved(module: str, method: str, timeout: float = 120, **params) -> tuple[dict, str]:
    """``main(ctx, **params)`` of ``chapter3.<module>`` in a fresh interpreter, plainly
    (nothing observed), to the interpreter's exit: what it returned, and its stderr (the
    resource tracker's warnings among it). Its main module is a ``-c`` string, so a child
    started by spawn imports only the listing's module: what that imports is what it pays.
    """
    package, _, name = f"chapter3.{module}".rpartition(".")
    call = f"{name}.main(multiprocessing.get_context({method!r}), **{params!r})"
    code = f"import json, multiprocessing\nfrom {package} import {name}\nprint(json.dumps({call}))"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environment(),
                          capture_output=True, text=True, timeout=timeout)  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"{module} exited with {done.returncode}:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.splitlines()[-1]), done.stderr


def kill_trees(procs: list[subprocess.Popen], timeout: float = 30) -> None:
    """Kill each process and all its descendants, descendants first; reap them all.

    multiprocessing's resource trackers are spared: once every process they serve has
    ended they remove what those left behind (named semaphores, shared-memory segments)
    and exit. Killed with the rest, they left each killed program's semaphores in
    /dev/shm (some ninety files a whole test run). Each process is stopped before its
    children are listed: a child being started meanwhile escaped the kill once, and kept
    its tracker alive."""
    import psutil  # only here: a listing run by this module does not pay for it

    tree, todo = [], []
    for proc in procs:  # stopped first, then its children listed: none starts another meanwhile
        with contextlib.suppress(psutil.Error):
            todo.append(psutil.Process(proc.pid))
    while todo:
        parent = todo.pop()
        with contextlib.suppress(psutil.Error):
            if not _is_tracker(parent):
                parent.suspend()
            children = parent.children()
            tree += children
            todo += children
    trackers = [p for p in tree if _is_tracker(p)]
    for p in tree:
        if p not in trackers:
            with contextlib.suppress(psutil.Error):
                p.kill()
    for proc in procs:
        with contextlib.suppress(OSError):
            proc.kill()
    for proc in procs:
        proc.wait(timeout=timeout)
    _, stuck = psutil.wait_procs(tree, timeout=timeout)  # trackers end once cleaned up
    for p in stuck:
        with contextlib.suppress(psutil.Error):
            p.kill()
    psutil.wait_procs(stuck, timeout=timeout)


def _is_tracker(process) -> bool:
    import psutil

    try:
        return "resource_tracker" in " ".join(process.cmdline())
    except psutil.Error:
        return False


def main(argv: list[str] | None = None) -> int:
    path, method, lang, module, params, *pace = argv if argv is not None else sys.argv[1:]
    rec = Recorder(path)
    if params == "-":
        run_as_main(rec, method, lang, module, float(pace[0]) if pace else 1.0)
        return 0
    name, _, function = module.partition(":")  # MODULE[:FUNCTION], main by default
    entry = getattr(importlib.import_module(name), function or "main")
    watch = Watch(entry, method, rec, lang, tee=False)
    exit_codes_after_exit_handler(rec, watch.ctx)
    result = watch._main(json.loads(params))
    rec.write("return", value=result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
