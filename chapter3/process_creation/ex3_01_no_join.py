"""Example 3-1 with its ``join()`` (and the two lines around it) left out.

The main process prints its last line at once — but the program does not end there: on
its way out, the interpreter runs ``multiprocessing``'s exit handler, which joins every
child still running. With ``daemon=True`` that handler terminates the child instead.
"""

import multiprocessing
import os
import time
from gettext import gettext as _


def sleeper(name, seconds):
    print(f"Process ID#{os.getpid()}")
    print(f"{name} will sleep for {seconds} seconds")
    time.sleep(seconds)
    print(_("子进程%s结束。") % os.getpid())


def main(ctx=multiprocessing, name="Python", seconds=5, daemon=False):
    child = ctx.Process(target=sleeper, args=(name, seconds), daemon=daemon)
    child.start()
    print(_("子进程 start 之后!"))
    print(_("主进程的 ID 是: %s") % os.getpid())
    print(_("主进程结束!"))
    return {"main": os.getpid(), "child": child.pid}


if __name__ == "__main__":
    main()
