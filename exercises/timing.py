"""``python -m exercises.timing MODULE FUNCTION METHOD``: how long one call of the
module's function takes under the start method, and what it printed (JSON): the
interpreter's start and the imports are left out, so what is compared is the work."""

import contextlib
import importlib
import io
import json
import multiprocessing
import sys
import time


def main(module: str, function: str, method: str) -> None:
    multiprocessing.set_start_method(method)
    call = getattr(importlib.import_module(module), function)
    began = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()) as out:
        call()
    seconds = time.perf_counter() - began
    print(json.dumps({"seconds": seconds, "printed": out.getvalue().splitlines()}))


if __name__ == "__main__":
    main(*sys.argv[1:])
