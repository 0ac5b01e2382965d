"""Example 3-6: the main process waits in ``get()`` until the child has put a record
in the queue.

The child sleeps, wakes up, puts a student's record (a list) and sleeps again; the main
process asks for the record as soon as it has started the child.
"""

import multiprocessing
import time
from gettext import gettext as _


def subproc(q, first, second):
    print(_("子进程：先睡一会儿……"))
    time.sleep(first)
    print(_("子进程：醒了，干活"))
    q.put([42, "20200001", _("张三")])
    print(_("子进程：再睡一会儿……"))
    time.sleep(second)


def main(ctx=multiprocessing, first=5, second=2):
    q = ctx.Queue()
    p = ctx.Process(target=subproc, args=(q, first, second))
    p.start()
    print(_("主进程：从队列取数据，没有就等"))
    got = q.get(timeout=60)  # waits while the queue is empty
    print(_("主进程：拿到 %s") % got)
    p.join(timeout=60)
    print("OVER!")
    return got


if __name__ == "__main__":
    main()
