"""Example 3-2: start five workers in a loop, then join them one by one.

Each worker prints its number, then sleeps ``naps[i]`` seconds — by default a random
1 or 2, as in the chapter. The numbers appear in whatever order the new processes get
to their first line; "程序结束!" comes only after every worker has ended.
"""

import multiprocessing
import random
import time
from gettext import gettext as _


def worker(num, nap):
    print("Worker:", num)
    time.sleep(nap)


def main(ctx=multiprocessing, workers=5, naps=None):
    naps = naps or [random.randint(1, 2) for _ in range(workers)]
    jobs = []
    for i in range(workers):
        p = ctx.Process(target=worker, args=(i, naps[i]))  # (i, ...): a tuple
        jobs.append(p)
        p.start()
    print("wait joining...")
    for p in jobs:
        p.join(timeout=max(naps) + 60)
    print(_("程序结束!"))
    return {"pids": [p.pid for p in jobs], "exitcodes": [p.exitcode for p in jobs]}


if __name__ == "__main__":
    main()
