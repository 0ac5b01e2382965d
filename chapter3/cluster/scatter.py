"""A big argument travels with every task that takes it; ``client.scatter`` sends it to
the cluster once, and each task is then passed a future that refers to it (on the
worker, dask hands the task the array itself). dask warns when a task carries a large
object."""

import time
import warnings
from gettext import gettext as _

import numpy as np
from distributed import Client


def total(block):
    return float(block.sum())


def main(address=None, megabytes=32, tasks=8):
    block = np.ones(megabytes * 2**20 // 8)
    with Client(address) as client:
        client.submit(total, np.ones(1)).result(timeout=30)  # connections made before timing
        start = time.perf_counter()
        with warnings.catch_warnings(record=True) as said:
            warnings.simplefilter("always")
            sums = client.gather([client.submit(total, block, pure=False) for _ in range(tasks)])
        each = time.perf_counter() - start
        start = time.perf_counter()
        shared = client.scatter(block)  # sent once, the scatter itself timed too
        same = client.gather([client.submit(total, shared, pure=False) for _ in range(tasks)])
        once = time.perf_counter() - start
    for w in said[:1]:
        print(_("dask 的警告：{w}").format(w=str(w.message).splitlines()[0]))
    print(_("{n} 个任务各带 {mb} MiB：{a:.2f} s；先 scatter 一次：{b:.2f} s（快 {r:.1f} 倍）")
          .format(n=tasks, mb=megabytes, a=each, b=once, r=each / once))  # fmt: skip
    return {"with_every_task": each, "scattered": once, "same_sums": sums == same,
            "warned": [str(w.message).splitlines()[0] for w in said]}  # fmt: skip


if __name__ == "__main__":
    main()
