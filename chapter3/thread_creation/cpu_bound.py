"""CPU-bound work: the same two computations in turn, in two threads, in two processes.

Only the computing is timed: each worker starts its clock once both are ready. CPU busy
= the workers' CPU time ÷ wall time: 1.00 means one CPU's worth, 2.00 two CPUs.
"""

import multiprocessing
import os
import queue
import threading
import time
from gettext import gettext as _


def add_up(n):  # pure Python: bytecode all the way
    total = 0
    for i in range(n):
        total += i
    return total


def timed(n, barrier, out):
    barrier.wait(60)  # both workers begin together
    start, cpu = time.perf_counter(), time.thread_time()
    add_up(n)
    end = time.perf_counter()
    out.put({"start": start, "end": end, "cpu": time.thread_time() - cpu, "pid": os.getpid()})


def pair(make, barrier, out, n):
    workers = [make(target=timed, args=(n, barrier, out)) for _ in range(2)]
    for w in workers:
        w.start()
    got = [out.get(timeout=60) for _ in workers]
    for w in workers:
        w.join(timeout=60)
    return got


def main(ctx=multiprocessing, work=5_000_000):
    start, cpu = time.perf_counter(), time.thread_time()
    add_up(work), add_up(work)  # one after the other, in the main thread
    alone = [{"start": start, "end": time.perf_counter(), "cpu": time.thread_time() - cpu}]
    threads = pair(threading.Thread, threading.Barrier(2), queue.SimpleQueue(), work)
    processes = pair(ctx.Process, ctx.Barrier(2), ctx.Queue(), work)
    for how, ws in [(_("依次"), alone), (_("两个线程"), threads), (_("两个进程"), processes)]:
        wall = max(w["end"] for w in ws) - min(w["start"] for w in ws)
        busy = sum(w["cpu"] for w in ws) / wall
        print(_("%s：%.3f 秒，平均占用 %.2f 个 CPU") % (how, wall, busy))
    return {"in_turn": alone, "threads": threads, "processes": processes}


if __name__ == "__main__":
    main()
