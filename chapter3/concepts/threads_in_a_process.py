"""Threads of one process: what they share (the PID, the module's globals), what each has
of its own (the locals of its call, its kernel thread id), and that each sees the others.
"""

import os
import threading
from gettext import gettext as _

SEEN_BY_ALL = []  # a module global: one list for every thread of the process


def work(barrier, report):
    mine = []  # a local: each call of the function has its own
    name = threading.current_thread().name
    mine.append(name)
    SEEN_BY_ALL.append(name)
    barrier.wait(timeout=60)  # from here on, every thread has appended to both
    others = sorted(t.name for t in threading.enumerate())
    # what it sees: its PID, its kernel thread id, the two lists, the threads alive
    report[name] = (os.getpid(), threading.get_native_id(), len(SEEN_BY_ALL), len(mine), others)
    print(_("%s：进程 %d，线程 %d，全局列表 %d 项，局部列表 %d 项") % (name, *report[name][:4]))
    barrier.wait(timeout=60)  # nobody leaves before everyone has looked around


def main(n=3):
    SEEN_BY_ALL.clear()
    barrier, report = threading.Barrier(n), {}
    threads = [threading.Thread(target=work, args=(barrier, report)) for _i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return {"pid": os.getpid(), "main": threading.main_thread().name, "threads": report}


if __name__ == "__main__":
    main()
