"""The GIL serialises bytecode, not threads: pure Python against zlib, in two threads.

Each task runs twice in the main thread, one run after the other, then in two threads
at once. A pure-Python loop holds the GIL all the time; ``zlib.compress`` of a large
buffer lets go of it while it compresses. CPU busy = the threads' CPU time ÷ wall time.
"""

import os
import threading
import time
import zlib
from gettext import gettext as _


def add_up(n):  # bytecode all the way: the thread holds the GIL
    total = 0
    for i in range(n):
        total += i
    return total


def compress(data):  # C code that releases the GIL while it works
    return len(zlib.compress(data, 1))


def timed(task, arg, barrier, out):
    barrier.wait(60)  # both threads begin together
    start, cpu = time.perf_counter(), time.thread_time()
    task(arg)
    out.append({"start": start, "end": time.perf_counter(), "cpu": time.thread_time() - cpu})


def main(work=3_000_000, megabytes=8):
    data = os.urandom(1 << 20) * megabytes
    runs = {}
    for kind, task, arg in [("python", add_up, work), ("zlib", compress, data)]:
        start = time.perf_counter()
        task(arg), task(arg)  # twice, in turn, in the main thread
        in_turn = time.perf_counter() - start
        barrier, workers = threading.Barrier(2), []
        threads = [threading.Thread(target=timed, args=(task, arg, barrier, workers))
                   for _ in range(2)]  # fmt: skip
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        both = max(w["end"] for w in workers) - min(w["start"] for w in workers)
        busy = sum(w["cpu"] for w in workers) / both
        print(_("%s：依次 %.3f 秒，两个线程 %.3f 秒，平均占用 %.2f 个 CPU")
              % (kind, in_turn, both, busy))  # fmt: skip
        runs[kind] = {"in_turn": in_turn, "threads": both, "workers": workers}
    return runs


if __name__ == "__main__":
    main()
