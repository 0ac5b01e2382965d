"""Parallel or taking turns: two CPU-bound processes, first free to use every CPU, then
both pinned to CPU 0 (CPU affinity; Linux: ``os.sched_setaffinity``).

Each worker reports from inside itself the CPUs it may use, when its work began and
ended, and how much CPU time it really got meanwhile (``time.thread_time``).
"""

import multiprocessing
import os
import time
from gettext import gettext as _


def worker(work, cpu, ready, out):
    if cpu is not None:
        os.sched_setaffinity(0, {cpu})  # from now on this process runs on that CPU only
    ready.wait(timeout=60)  # both are placed before either starts
    start, cpu_s = time.monotonic(), time.thread_time()
    total = 0
    for i in range(work):  # pure Python computing: CPU-bound
        total += i
    end, cpu_s = time.monotonic(), time.thread_time() - cpu_s
    cpus = sorted(os.sched_getaffinity(0))  # where it may run, read inside it
    out.put({"pid": os.getpid(), "cpus": cpus, "start": start, "end": end, "cpu_s": cpu_s})


def pair(ctx, work, cpu):
    ready, out = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=worker, args=(work, cpu, ready, out)) for _i in range(2)]
    for p in procs:
        p.start()
    reports = [out.get(timeout=60) for _p in procs]
    for p in procs:
        p.join(timeout=60)
    wall = max(w["end"] for w in reports) - min(w["start"] for w in reports)
    shares = " / ".join(f"{w['cpu_s'] / (w['end'] - w['start']):.0%}" for w in reports)
    where = _("不绑定 CPU") if cpu is None else _("都绑定在 CPU %d 上") % cpu
    print(_("%s：共 %.3f 秒，各得 CPU 的 %s") % (where, wall, shares))
    return reports


def main(ctx=multiprocessing, work=5_000_000, cpus=(None, 0)):
    return {"free" if cpu is None else f"cpu{cpu}": pair(ctx, work, cpu) for cpu in cpus}


if __name__ == "__main__":
    main()
