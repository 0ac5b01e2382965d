"""A thread is cheaper to start than a process: the median time to start and join one
that does nothing, for each.
"""

import multiprocessing
import statistics
import threading
import time
from gettext import gettext as _


def nothing():
    pass


def once(make):
    start = time.perf_counter()
    worker = make(target=nothing)
    worker.start()
    worker.join(timeout=60)
    return time.perf_counter() - start


def main(ctx=multiprocessing, n=20):
    once(ctx.Process)  # the first one may start a helper (the fork server): not counted
    thread_s = statistics.median(once(threading.Thread) for _i in range(n))
    process_s = statistics.median(once(ctx.Process) for _i in range(n))
    print(_("启动一个线程 %.6f 秒，一个进程 %.6f 秒") % (thread_s, process_s))
    return {"thread_s": thread_s, "process_s": process_s}


if __name__ == "__main__":
    main()
