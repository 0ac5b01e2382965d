"""Example 3-7 as printed: its last line is indented into the demo function's own body.

As printed, nothing calls the function, so the script does nothing at all. Called once,
as ``main`` does, it never returns: each call starts two processes, then calls itself
again, until Python refuses to go deeper (``RecursionError``) — with the default limit
of about 1000 frames, after some 2000 processes. So ``main`` lets it go only ``levels``
frames deep, and gives each ``start()`` room to finish.
"""

import inspect
import multiprocessing
import random
import sys
import time
from gettext import gettext as _


def work(i, sem, hold):
    with sem:
        print(_("%s 获得信号量") % i)
        time.sleep(random.uniform(*hold))
    print(_("%s 释放信号量") % i)


def semaphore_demo(ctx, sem, hold, started):
    for i in range(2):
        p = ctx.Process(target=work, args=(i, sem, hold))
        sys.setrecursionlimit(sys.getrecursionlimit() + 100)  # room for start() itself
        p.start()
        sys.setrecursionlimit(sys.getrecursionlimit() - 100)
        started.append(p)
    semaphore_demo(ctx, sem, hold, started)  # as printed: the demo calls itself


def main(ctx=multiprocessing, levels=10, hold=(1, 5)):
    sem, started, limit = ctx.Semaphore(1), [], sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack(0)) + levels)  # a short stack: it ends soon
    try:
        semaphore_demo(ctx, sem, hold, started)
        returned = True
    except RecursionError:
        returned = False
    finally:
        sys.setrecursionlimit(limit)
    if not returned:
        print(_("semaphore_demo() 没有返回：递归太深（RecursionError）"))
    for p in started:
        p.join(timeout=60)
    return {"returned": returned, "started": len(started)}


if __name__ == "__main__":
    main()
