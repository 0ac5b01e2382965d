"""Tasks of very different lengths. ``Pool.map`` returns nothing until every task has
finished; ``imap_unordered`` hands back each result as soon as it is ready, in the
order they finish: the short tasks' results arrive while the long ones still run.
"""

import multiprocessing
import time
from gettext import gettext as _


def work(seconds):
    time.sleep(seconds)  # stands for work of that length
    return seconds


def main(long=1.0, short=0.05, tasks=8, ctx=multiprocessing):
    lengths = [long] + [short] * (tasks - 1)  # the long one first
    with ctx.Pool(2) as pool:
        pool.map(work, [0, 0])  # started before the clock starts
        start = time.perf_counter()
        pool.map(work, lengths, chunksize=1)
        whole = time.perf_counter() - start
        start = time.perf_counter()
        arrived = []
        for length in pool.imap_unordered(work, lengths, chunksize=1):
            arrived.append((length, time.perf_counter() - start))
        pool.close()
        pool.join()
    print(_("map：{s:.2f} s 后一次拿到全部结果").format(s=whole))
    print(_("imap_unordered：第一个结果在 {s:.2f} s 时到达，来自一个 {n} s 的任务").format(
        s=arrived[0][1], n=arrived[0][0]))  # fmt: skip
    return {"map": whole, "imap_unordered": arrived}


if __name__ == "__main__":
    main()
