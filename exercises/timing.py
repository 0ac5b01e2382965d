"""``python -m exercises.timing MODULE FUNCTION METHOD``: how long one call of the
module's function takes under the start method (wall time, and the CPU time of this
process's threads), and what it printed (JSON): the interpreter's start and the imports
are left out, so what is measured is the work."""

import contextlib
import importlib
import io
import json
import multiprocessing
import sys
import time

import psutil


def main(module: str, function: str, method: str) -> None:
    multiprocessing.set_start_method(method)
    call = getattr(importlib.import_module(module), function)
    cpu, began = _cpu_seconds(), time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()) as out:
        call()
    seconds = time.perf_counter() - began
    cpu = _cpu_seconds() - cpu
    print(json.dumps({"seconds": seconds, "cpu": cpu, "printed": out.getvalue().splitlines()}))


def _cpu_seconds() -> float:
    t = psutil.Process().cpu_times()
    return t.user + t.system


if __name__ == "__main__":
    main(*sys.argv[1:])
