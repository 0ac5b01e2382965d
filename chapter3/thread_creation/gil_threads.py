"""The GIL serialises bytecode, not threads: pure Python against zlib, in two threads.

A pure-Python loop holds the GIL all the time; ``zlib.compress`` of a large buffer lets
go of it while it compresses. Each thread measures the CPU time it got: CPU busy = the
threads' CPU time ÷ wall time (1.00: one CPU's worth, 2.00: two CPUs).
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


def timed(task, arg, barrier, out):
    barrier.wait(60)  # both threads begin together
    start, cpu = time.perf_counter(), time.thread_time()
    task(arg)
    out.append({"start": start, "end": time.perf_counter(), "cpu": time.thread_time() - cpu})


def main(work=3_000_000, megabytes=8):
    data, runs = os.urandom(1 << 20) * megabytes, {}
    for kind, task, arg in [("python", add_up, work), ("zlib", zlib.compress, data)]:
        barrier, workers = threading.Barrier(2), []
        threads = [threading.Thread(target=timed, args=(task, arg, barrier, workers))
                   for _i in range(2)]  # fmt: skip
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        wall = max(w["end"] for w in workers) - min(w["start"] for w in workers)
        busy = sum(w["cpu"] for w in workers) / wall
        print(_("%s：两个线程 %.3f 秒，平均占用 %.2f 个 CPU") % (kind, wall, busy))
        runs[kind] = workers
    return runs


if __name__ == "__main__":
    main()
