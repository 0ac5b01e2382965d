"""A semaphore's count while processes wait for it: 0, never below.

The main process takes the only permit, and the others then wait in ``acquire()``. A
semaphore as operating-systems textbooks often draw it would count them (-1, -2, ...);
Python's counts only what is left. (``get_value()`` is not available on macOS.)
"""

import multiprocessing
import time
from gettext import gettext as _


def wait_for_permit(sem):
    if sem.acquire(timeout=60):  # waits: the main process holds the permit
        sem.release()


def main(ctx=multiprocessing, waiters=2, settle=0.5):
    sem = ctx.Semaphore(1)
    sem.acquire(timeout=60)  # the main process takes the only permit
    procs = [ctx.Process(target=wait_for_permit, args=(sem,)) for i in range(waiters)]
    for p in procs:
        p.start()
    time.sleep(settle)  # time for them to start waiting in acquire()
    waiting, again = sem.get_value(), sem.acquire(False)  # ask without waiting: refused
    print(_("%d 个进程在等：计数是 %d，不等待地申请得到 %s") % (waiters, waiting, again))
    sem.release()
    for p in procs:
        p.join(timeout=60)
    print(_("大家都用完了，计数是 %d") % sem.get_value())
    return {"while_waiting": waiting, "tried": again, "after": sem.get_value()}


if __name__ == "__main__":
    main()
