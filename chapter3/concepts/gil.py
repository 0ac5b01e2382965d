"""The GIL: two threads running Python bytecode take turns; two threads in C code that
releases the GIL (SHA-256 of a large buffer) run at once.

The same task runs twice in a row in the main thread, then twice at once in two threads.
Each run reports when it began and ended, and the CPU time it got meanwhile.
"""

import hashlib
import os
import threading
import time
from gettext import gettext as _


def count(n):
    for _i in range(n):  # Python bytecode all the time: it holds the GIL
        pass


def digest(data):
    hashlib.sha256(data).digest()  # C code that lets go of the GIL


def timed(task, arg, out, barrier=None):
    if barrier is not None:
        barrier.wait(timeout=60)  # both threads begin together
    start, cpu = time.monotonic(), time.thread_time()
    task(arg)
    out.append({"start": start, "end": time.monotonic(), "cpu_s": time.thread_time() - cpu})


def two_ways(task, arg):
    in_turn, together, barrier = [], [], threading.Barrier(2)
    timed(task, arg, in_turn)
    timed(task, arg, in_turn)
    threads = [threading.Thread(target=timed, args=(task, arg, together, barrier)) for _ in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    took = [max(w["end"] for w in r) - min(w["start"] for w in r) for r in (in_turn, together)]
    print(_("%s：依次 %.3f 秒，两个线程同时 %.3f 秒") % (task.__name__, *took))
    return {"in_turn": in_turn, "threads": together}


def main(n=2_000_000, megabytes=128):
    data = os.urandom(1 << 20) * megabytes
    return {"python": two_ways(count, n), "hashing": two_ways(digest, data)}


if __name__ == "__main__":
    main()
