"""Amdahl's law, measured. A job whose serial part runs in the main process and whose
parallel part is shared out among a pool's workers: with n workers its speed-up is at
most 1 / (s + (1 - s) / n), s being the serial fraction, however many CPUs there are.
The serial fraction is then fitted back from the measured speed-ups.
"""

import multiprocessing
import os
import time
from gettext import gettext as _


def spin(n):
    while n:
        n -= 1
    return os.getpid()


def timed(ctx, workers, serial, work, tasks):
    with ctx.Pool(workers) as pool:
        while len(set(pool.map(spin, [100_000] * 4 * workers, chunksize=1))) < workers:
            pass  # until every worker has answered: all started before the clock starts
        start = time.perf_counter()
        spin(int(work * serial))  # the serial part, in this process only
        pool.map(spin, [int(work * (1 - serial) / tasks)] * tasks, chunksize=1)
        seconds = time.perf_counter() - start
        pool.close()
        pool.join()
    return seconds


def fitted(speedups):
    """s by least squares on 1/S(n) - 1/n = s * (1 - 1/n), n > 1."""
    pairs = [(1 / s - 1 / n, 1 - 1 / n) for n, s in speedups.items() if n > 1]
    return sum(a * b for a, b in pairs) / sum(b * b for _a, b in pairs)


def main(serial=0.5, work=20_000_000, tasks=None, most=None, ctx=multiprocessing):
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    tasks = tasks or 12 * cpus  # shared evenly by 1, 2, 3, 4, 6 and 12 workers per CPU
    one = timed(ctx, 1, serial, work, tasks)
    speedups = {1: 1.0}
    for n in range(2, (most or 2 * cpus) + 1):  # beyond the CPUs too: oversubscribed
        speedups[n] = one / timed(ctx, n, serial, work, tasks)
        bound = 1 / (serial + (1 - serial) / n)
        print(_("{n} 个 worker：加速比 {s:.2f}（阿姆达尔定律的上限 {b:.2f}）").format(
            n=n, s=speedups[n], b=bound))  # fmt: skip
    s = fitted({n: v for n, v in speedups.items() if n <= cpus}) if cpus > 1 else None
    if s is not None:  # one CPU: no speed-up to fit it from
        print(_("由测量值拟合的串行比例：{s:.2f}（程序里是 {t}）").format(s=s, t=serial))
    return {"serial": serial, "cpus": cpus, "speedups": speedups, "fitted": s}


if __name__ == "__main__":
    main()
