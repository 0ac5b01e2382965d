"""``shutdown(cancel_futures=True)`` cancels the tasks still queued; those already handed
to a worker (running, or in the executor's call queue) finish."""

import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from gettext import gettext as _


def work(i, seconds):
    time.sleep(seconds)  # stands for a computation
    return i


def main(ctx=multiprocessing, tasks=6, seconds=1.0):
    executor = ProcessPoolExecutor(1, mp_context=ctx)
    futures = [executor.submit(work, i, seconds) for i in range(tasks)]
    executor.shutdown(wait=True, cancel_futures=True)
    outcomes = ["cancelled" if f.cancelled() else f.result(timeout=60) for f in futures]
    print(_("各任务的结果：%s") % outcomes)
    return outcomes


if __name__ == "__main__":
    main()
