"""Leaving ``with ProcessPoolExecutor()`` calls ``shutdown(wait=True)``: it waits for every
task given — the opposite of ``with Pool()``. After that, ``submit()`` is refused."""

import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from gettext import gettext as _


def work(i, seconds):
    time.sleep(seconds)  # stands for a computation
    print(_("任务 %d 完成") % i)
    return i


def main(ctx=multiprocessing, tasks=4, seconds=0.5):
    with ProcessPoolExecutor(2, mp_context=ctx) as executor:
        futures = [executor.submit(work, i, seconds) for i in range(tasks)]
    print(_("with 块结束了，完成的任务：%s") % sum(f.done() for f in futures))
    try:
        executor.submit(work, tasks, 0)
        refused = None
    except RuntimeError as e:
        refused = f"RuntimeError: {e}"
        print(_("关闭之后 submit() 抛出 %s") % refused)
    return {"results": [f.result(timeout=60) for f in futures], "submit_after": refused}


if __name__ == "__main__":
    main()
