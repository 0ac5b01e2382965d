"""Amdahl's law, measured. A job whose serial part runs in the main process and whose
parallel part is shared out among a pool's workers: with n workers its speed-up is at
most 1 / (s + (1 - s) / n), s being the serial fraction, however many CPUs there are.
The job also keeps that many CPUs busy at most, on average: its processes' CPU time over
its wall time, a measure that stays put when a virtual machine's CPUs change speed. The
serial fraction is fitted back from it.
"""

import multiprocessing
import os
import time
from gettext import gettext as _


def spin(n):
    start = time.process_time()
    while n:
        n -= 1
    return time.process_time() - start, os.getpid()  # the CPU time it took, and where


def timed(ctx, workers, serial, work, tasks):  # the job's wall time, and its CPU time
    with ctx.Pool(workers) as pool:
        while len({pid for _t, pid in pool.map(spin, [9**5] * 4 * workers)}) < workers:
            pass  # until every worker has answered: all started before the clock starts
        start = time.perf_counter()
        cpu = spin(int(work * serial))[0]  # the serial part, in this process only
        parts = pool.map(spin, [int(work * (1 - serial) / tasks)] * tasks, chunksize=1)
        seconds = time.perf_counter() - start
        pool.close()
        pool.join()
    return seconds, cpu + sum(t for t, _pid in parts)


def fitted(ratios):
    """s by least squares on 1/S(n) - 1/n = s * (1 - 1/n), n > 1."""
    pairs = [(1 / s - 1 / n, 1 - 1 / n) for n, s in ratios.items() if n > 1]
    return sum(a * b for a, b in pairs) / sum(b * b for _a, b in pairs)


def main(serial=0.5, work=20_000_000, tasks=None, most=None, ctx=multiprocessing):
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    tasks = tasks or 12 * cpus  # shared evenly by 1, 2, 3, 4, 6 and 12 workers per CPU
    runs = {n: timed(ctx, n, serial, work, tasks) for n in range(1, (most or 2 * cpus) + 1)}
    speedups = {n: runs[1][0] / wall for n, (wall, _cpu) in runs.items()}  # beyond the CPUs too
    busy = {n: cpu / wall for n, (wall, cpu) in runs.items()}
    for n in list(runs)[1:]:
        print(_("{n} 个 worker：加速比 {s:.2f}，平均 {c:.2f} 个 CPU 在忙（上限 {b:.2f}）").format(
            n=n, s=speedups[n], c=busy[n], b=1 / (serial + (1 - serial) / n)))  # fmt: skip
    if s := fitted({n: v for n, v in busy.items() if n <= cpus}) if cpus > 1 else None:
        print(_("由测量值拟合的串行比例：{s:.2f}（程序里是 {t}）").format(s=s, t=serial))
    return {"serial": serial, "cpus": cpus, "seconds": {n: r[0] for n, r in runs.items()},
            "speedups": speedups, "busy": busy, "fitted": s}  # fmt: skip


if __name__ == "__main__":
    main()
