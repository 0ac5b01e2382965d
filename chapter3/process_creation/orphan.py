"""A child whose main process is killed (``kill -9``) while it runs.

Nothing in the main process runs after SIGKILL — no exit handler joins or terminates the
child — so the child goes on alone, an orphan: the system gives it another parent. It
can tell that its parent is gone: ``parent_process().sentinel`` becomes ready and
``parent_process().is_alive()`` false. Kill the main process from a shell to see it.
"""

import multiprocessing
import os
import time
from gettext import gettext as _
from multiprocessing.connection import wait


def child(work):
    parent = multiprocessing.parent_process()
    print(_("子进程：父进程是 %s") % os.getppid())
    while parent.is_alive():  # false once the parent is gone
        wait([parent.sentinel], timeout=60)  # ready as soon as it is
    print(_("子进程：父进程不在了，我继续工作；现在的父进程是 %s") % os.getppid())
    time.sleep(work)


def main(ctx=multiprocessing, work=5, patience=60, daemon=False):
    p = ctx.Process(target=child, args=(work,), daemon=daemon)
    p.start()
    print(_("主进程 %s：子进程 %s 已启动，在 join 中等待") % (os.getpid(), p.pid))
    p.join(timeout=patience)  # kill -9 this process while it waits here
    return {"main": os.getpid(), "child": p.pid, "exitcode": p.exitcode}


if __name__ == "__main__":
    main()
