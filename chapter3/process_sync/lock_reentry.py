"""A Lock is not reentrant: its holder asking again waits for itself. An RLock is."""

import multiprocessing
from gettext import gettext as _


def main(ctx=multiprocessing, patience=1.0):
    again = {}
    for kind, lock in [("Lock", ctx.Lock()), ("RLock", ctx.RLock())]:
        lock.acquire(timeout=60)
        again[kind] = lock.acquire(timeout=patience)  # the holder asks once more
        print(_("%s 的持有者再申请一次：%s") % (kind, again[kind]))
        if again[kind]:
            lock.release()  # an RLock is released as many times as it was acquired
        lock.release()
    return again


if __name__ == "__main__":
    main()
