"""Many tiny tasks on a pool. Sent one by one (``chunksize=1``), each task pays a round
trip through the pool's queues; by default ``Pool.map`` sends them in chunks of about
len / (4 × workers); a large chunksize sends a few big batches.
"""

import multiprocessing
import time
from gettext import gettext as _


def tiny(x):
    return x + 1


def timed(pool, tasks, chunksize):
    start = time.perf_counter()
    results = pool.map(tiny, range(tasks), chunksize=chunksize)
    assert results[-1] == tasks  # every task ran
    return time.perf_counter() - start


def main(tasks=100_000, workers=2, ctx=multiprocessing):
    with ctx.Pool(workers) as pool:
        pool.map(tiny, range(workers))  # started before the clock starts
        seconds = {str(size): timed(pool, tasks, size) for size in (1, None, tasks // 10)}
        pool.close()
        pool.join()
    for size, s in seconds.items():
        print(_("chunksize={size}：{tasks} 个极小任务用了 {s:.3f} s").format(
            size=size, tasks=tasks, s=s))  # fmt: skip
    return seconds


if __name__ == "__main__":
    main()
