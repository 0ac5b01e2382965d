"""A child that has exited stays in the process table, a zombie, until its parent waits
for it: ``join()`` here (Linux; psutil reads the state from ``/proc``).
"""

import multiprocessing
from gettext import gettext as _
from multiprocessing.connection import wait

import psutil


def state(pid):
    try:
        return psutil.Process(pid).status()
    except psutil.NoSuchProcess:
        return "gone"  # no longer in the process table


def main(ctx=multiprocessing):
    child = ctx.Process(target=print, args=(_("子进程退出了"),))
    child.start()
    wait([child.sentinel], timeout=60)  # ready once it has exited; collects nothing
    before = state(child.pid)
    child.join(timeout=60)  # waits for it: os.waitpid
    after = state(child.pid)
    print(_("退出之后：%s；join() 之后：%s") % (before, after))
    return {"before": before, "after": after}


if __name__ == "__main__":
    main()
