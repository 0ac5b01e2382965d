"""Start and join a batch of do-nothing threads, then the same batch of processes.

The workers run ``int()``, which does nothing. One process is started first, so that a
fork server (if any) is already up; each batch keeps its fastest of ``repeat`` runs.
"""

import multiprocessing
import threading
import time
from gettext import gettext as _


def fastest(make, n, repeat):  # the best of repeat tries: start n workers, join them all
    times = []
    for _k in range(repeat):
        workers, start = [make(target=int) for _i in range(n)], time.perf_counter()
        for w in workers:
            w.start()
        for w in workers:
            w.join(timeout=60)
        times.append(time.perf_counter() - start)
    return min(times)


def main(ctx=multiprocessing, n=8, repeat=5):
    fastest(ctx.Process, 1, 1)  # warm-up: a fork server, if any, is up from here on
    threads, processes = fastest(threading.Thread, n, repeat), fastest(ctx.Process, n, repeat)
    print(_("启动并等待 %d 个线程：%.2f 毫秒；%d 个进程：%.2f 毫秒")
          % (n, threads * 1e3, n, processes * 1e3))  # fmt: skip
    return {"threads": threads, "processes": processes}


if __name__ == "__main__":
    main()
