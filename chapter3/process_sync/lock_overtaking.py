"""A lock keeps no queue: a process already waiting for it can be overtaken.

Each round, the main process holds the lock while a child asks for it; then it releases
the lock and at once asks again, without waiting. Whoever runs first gets it: a
successful ``acquire(False)`` means the child, which keeps the lock ``hold`` seconds
once it has it, had not got it yet.
"""

import multiprocessing
import time
from gettext import gettext as _


def wait_for_lock(lock, hold):
    if lock.acquire(timeout=60):  # waits: the main process holds the lock
        time.sleep(hold)
        lock.release()


def main(ctx=multiprocessing, rounds=20, settle=0.1, hold=0.5):
    lock, overtaken = ctx.Lock(), 0
    for _round in range(rounds):
        lock.acquire(timeout=60)
        p = ctx.Process(target=wait_for_lock, args=(lock, hold))
        p.start()
        time.sleep(settle)  # time for the child to start waiting in acquire()
        lock.release()  # the child has waited longest...
        if lock.acquire(False):  # ...but the main process asks again at once
            overtaken += 1
            lock.release()
        p.join(timeout=60)
    print(_("%d 轮里，主进程有 %d 轮抢在等待者前面拿回了锁") % (rounds, overtaken))
    return overtaken


if __name__ == "__main__":
    main()
