"""Example 3-3: a global variable is not shared between processes.

worker_1 adds 20 to the global ``share_num`` and worker_2 adds 100, each in a process
of its own; the main process looks at its own ``share_num`` after each child
has ended. ``start`` is what the main process puts in the global before it starts them
(the chapter: 0).
"""

import multiprocessing
from gettext import gettext as _

share_num = 0  # a module global: every process has its own


def worker(name, amount):
    global share_num
    share_num += amount  # changes this process's own copy
    print(_("%s：share_num = %d") % (name, share_num))


def main(ctx=multiprocessing, start=0):
    global share_num
    share_num = start
    seen = []
    for name, amount in [("worker_1", 20), ("worker_2", 100)]:
        p = ctx.Process(target=worker, args=(name, amount))
        p.start()
        p.join(timeout=60)  # start, then join: worker_2 starts only once worker_1 has ended
        seen.append(share_num)
        print(_("%s 结束后，主进程里 share_num = %d") % (name, share_num))
    return seen


if __name__ == "__main__":
    main()
