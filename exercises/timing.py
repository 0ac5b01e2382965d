"""``python -m exercises.timing MODULE FUNCTION METHOD``: how long one call of the
module's function takes under the start method (wall time), the CPU time it used (this
process's threads, and every process started under it, the fork server's children
included), and what it printed (JSON): the interpreter's start and the imports are left
out, so what is measured is the work."""

import contextlib
import importlib
import io
import json
import multiprocessing
import sys
import threading
import time

import psutil


def main(module: str, function: str, method: str) -> None:
    multiprocessing.set_start_method(method)
    call = getattr(importlib.import_module(module), function)
    me, done, descendants = psutil.Process(), threading.Event(), {}
    sampler = threading.Thread(target=_sample, args=(me, descendants, done), daemon=True)
    own, began = _cpu(me), time.perf_counter()
    sampler.start()
    with contextlib.redirect_stdout(io.StringIO()) as out:
        call()
    seconds = time.perf_counter() - began
    done.set()
    sampler.join(timeout=5)
    own = _cpu(me) - own
    printed = out.getvalue().splitlines()
    print(json.dumps({"seconds": seconds, "cpu": own, "descendants_cpu": sum(descendants.values()),
                      "printed": printed}))  # fmt: skip


def _sample(me: psutil.Process, seen: dict[int, float], done: threading.Event) -> None:
    """Every 20 ms, the CPU time of each process below this one (a process that ends
    between two looks loses at most its last 20 ms)."""
    while True:
        stop = done.wait(0.02)
        for child in me.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                seen[child.pid] = max(seen.get(child.pid, 0.0), _cpu(child))
        if stop:
            return


def _cpu(process: psutil.Process) -> float:
    t = process.cpu_times()
    return t.user + t.system


if __name__ == "__main__":
    main(*sys.argv[1:])
