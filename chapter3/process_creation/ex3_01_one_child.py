"""Example 3-1: one child process sleeps; the main process starts it and waits in ``join()``.

The child reports its PID, "works" (sleeps ``seconds``) and says it is done; the main
process says two lines after ``start()``, blocks in ``join()`` until the child has ended,
then reports its own PID. The PIDs come from the operating system: every run differs.
"""

import multiprocessing
import os
import time
from gettext import gettext as _


def sleeper(name, seconds):
    print(f"Process ID#{os.getpid()}")
    print(f"{name} will sleep for {seconds} seconds")
    time.sleep(seconds)  # stands for the child's work
    print(_("子进程%s结束。") % os.getpid())


def main(ctx=multiprocessing, name="Python", seconds=5):
    child = ctx.Process(target=sleeper, args=(name, seconds))
    child.start()
    print(_("子进程 start 之后!"))
    print(_("主进程即将 join"))
    child.join(timeout=seconds + 60)  # the main process blocks here until the child ends
    print(_("join 之后!"))
    print(_("主进程的 ID 是: %s") % os.getpid())
    print(_("主进程结束!"))
    return {"main": os.getpid(), "child": child.pid, "exitcode": child.exitcode}


if __name__ == "__main__":
    main()
