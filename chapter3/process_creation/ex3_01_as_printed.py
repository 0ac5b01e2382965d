"""Example 3-1 as the chapter printed it: the call at the top level, with no
``if __name__ == "__main__":`` guard.

Under fork this works. Under spawn and forkserver (the default on Windows and macOS, and
on Linux from Python 3.14) the child imports this file again to find ``sleeper``, and so
runs the top-level call again, inside the child: its ``start()`` fails, the child exits
with code 1 and ``sleeper`` never runs — while the main process carries on to its end.
Run it with ``python -m chapter3.process_creation.ex3_01_as_printed``.
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


def main(ctx=multiprocessing, name="Python", seconds=5):
    child = ctx.Process(target=sleeper, args=(name, seconds))
    child.start()
    print(_("子进程 start 之后!"))
    child.join(timeout=seconds + 60)
    print(_("主进程结束!"))
    return {"child": child.pid, "exitcode": child.exitcode}


main()  # no guard: under spawn, the child runs this line too (the fix: ex3_01_one_child)
