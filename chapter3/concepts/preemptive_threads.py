"""Threads are preempted: a thread that never waits, sleeps or does I/O still cannot keep
the others from running. The main thread gets its turn, and stops it.
"""

import threading
import time
from gettext import gettext as _


def spinner(started, stop, deadline, result):
    started.set()
    spins, end = 0, time.monotonic() + deadline
    while not stop.is_set() and time.monotonic() < end:
        spins += 1  # pure Python: no I/O, no sleep, no lock
    result.update(spins=spins, stopped=stop.is_set())


def main(deadline=10.0):
    started, stop, result = threading.Event(), threading.Event(), {}
    t = threading.Thread(target=spinner, args=(started, stop, deadline, result))
    t.start()
    started.wait(timeout=60)
    stop.set()  # the main thread runs although the spinner never gives the CPU away
    t.join(timeout=60)
    print(_("空转线程转了 %d 圈，被主线程叫停：%s") % (result["spins"], result["stopped"]))
    return result


if __name__ == "__main__":
    main()
