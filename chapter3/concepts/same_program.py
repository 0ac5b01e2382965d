"""One program, several processes: two processes run the same function.

Each is a process of its own, with a PID of its own, different from its parent's.
"""

import multiprocessing
import os
from gettext import gettext as _


def who_am_i():
    print(_("进程 %d 运行同一个函数") % os.getpid())


def main(ctx=multiprocessing, n=2):
    procs = [ctx.Process(target=who_am_i) for _i in range(n)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=60)
    print(_("父进程是 %d") % os.getpid())
    return {"parent": os.getpid(), "children": [p.pid for p in procs]}


if __name__ == "__main__":
    main()
