"""Leaving ``with Pool() as pool:`` calls ``terminate()``, not ``close()`` and ``join()``:
the tasks still running are killed, and their callbacks never run.
``main(close_first=True)`` closes and joins inside the block, as it should."""

import multiprocessing
import time
from gettext import gettext as _


def slow_cube(x, work):
    time.sleep(work)  # stands for a long computation
    return x * x * x


def main(ctx=multiprocessing, close_first=False, work=1.0):
    seen = []
    with ctx.Pool(2) as pool:
        workers = ctx.active_children()
        pending = [pool.apply_async(slow_cube, (x, work), callback=seen.append) for x in (1, 2)]
        if close_first:
            pool.close()
            pool.join()  # waits for the tasks and their callbacks
        print(_("离开 with 块"))
    values = []
    for p in pending:
        try:
            values.append(p.get(timeout=0.2))
        except multiprocessing.TimeoutError:
            values.append("TimeoutError")
    print(_("各任务的 get(0.2)：%s，回调收到：%s") % (values, seen))
    return {"values": values, "callbacks": seen, "exitcodes": [w.exitcode for w in workers]}


if __name__ == "__main__":
    main()
