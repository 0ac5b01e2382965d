"""Start and join a batch of do-nothing threads, then the same batch of processes.

One process is started first, so that a fork server (if any) is already up; each batch
keeps its fastest of ``repeat`` runs.
"""

import multiprocessing
import threading
import time
from gettext import gettext as _


def idle():
    pass


def start_and_join(workers):
    start = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=60)
    return time.perf_counter() - start


def main(ctx=multiprocessing, n=8, repeat=5):
    start_and_join([ctx.Process(target=idle)])  # warm-up
    threads = min(start_and_join([threading.Thread(target=idle) for i in range(n)])
                  for k in range(repeat))  # fmt: skip
    processes = min(start_and_join([ctx.Process(target=idle) for i in range(n)])
                    for k in range(repeat))  # fmt: skip
    method, ratio = ctx.get_start_method(), processes / threads
    print(_("启动并等待 %d 个线程：%.2f 毫秒；%d 个进程（%s）：%.2f 毫秒；约 %.0f 倍")
          % (n, threads * 1e3, n, method, processes * 1e3, ratio))  # fmt: skip
    return {"threads": threads, "processes": processes}


if __name__ == "__main__":
    main()
