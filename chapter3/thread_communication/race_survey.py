"""How often do threads that add to one counter lose updates? Count it over many runs.

Each loop runs in ``threads`` threads at once, ``runs`` times, at CPython's usual switch
interval (5 ms) and at 1 µs (``sys.setswitchinterval``: how often the running thread is
asked to let another one run). A run loses updates if the counter ends below
threads × n. Loops: ``+= 1``, ``+= one()`` (a call between the read and
the write) and ``lock`` (the same, holding the module's ``counter_lock``).
"""

import sys
import threading
from contextlib import nullcontext
from gettext import gettext as _

counter, counter_lock = 0, threading.Lock()  # the lock that guards counter


def one():
    return 1


def plain(n, guard):
    global counter
    for _i in range(n):
        counter += 1


def add(n, guard):
    global counter
    for _i in range(n):
        with guard:  # the lock, or a context that does nothing
            counter += one()  # read counter, call a function, then write counter


def main(runs=20, threads=2, n=100_000, intervals=(0.005, 1e-6)):
    loops = {"+= 1": (plain, None), "+= one()": (add, nullcontext()), "lock": (add, counter_lock)}
    usual, survey = sys.getswitchinterval(), []
    for seconds in intervals:
        sys.setswitchinterval(seconds)
        for name, (loop, guard) in loops.items():
            finals = []
            for _r in range(runs):
                before = counter
                workers = [threading.Thread(target=loop, args=(n, guard)) for _t in range(threads)]
                for t in workers:
                    t.start()
                for t in workers:
                    t.join(timeout=60)
                finals.append(counter - before)  # what this run added
            lost = sum(f < threads * n for f in finals)
            print(_("切换间隔 %g 秒，%s：%d 次中有 %d 次丢失更新") % (seconds, name, runs, lost))
            survey.append({"loop": name, "interval": seconds, "finals": finals})
    sys.setswitchinterval(usual)
    return survey


if __name__ == "__main__":
    main()
