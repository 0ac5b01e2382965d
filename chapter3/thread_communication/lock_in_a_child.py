"""The parent holds a lock: can a child process acquire it at the same time? Tried with
a ``threading.Lock`` and with the context's ``Lock``. Under spawn and forkserver a
``threading.Lock`` cannot even reach the child (it cannot be pickled); under fork the child
gets a copy of its own, which the parent's holding does not lock."""

import multiprocessing
import threading
from gettext import gettext as _


def try_lock(lock, go, answer):
    go.wait(timeout=60)  # the parent holds the lock now
    got = lock.acquire(timeout=0)
    if got:
        lock.release()
    print(_("子进程拿到了锁？%s") % got)
    answer.put(got, timeout=60)


def child_tries(ctx, kind, lock):
    go, answer = ctx.Event(), ctx.Queue()
    p = ctx.Process(target=try_lock, args=(lock, go, answer))
    try:
        p.start()
    except TypeError as e:  # the lock had to be pickled for the child, and cannot be
        print(_("%s：start() 抛出 TypeError") % kind)
        return f"TypeError: {e}"
    with lock:  # taken once the child exists
        go.set()
        got = answer.get(timeout=60)
    p.join(timeout=60)
    return got


def main(ctx=multiprocessing):
    return {kind: child_tries(ctx, kind, lock)
            for kind, lock in (("threading.Lock", threading.Lock()),
                               ("multiprocessing.Lock", ctx.Lock()))}  # fmt: skip


if __name__ == "__main__":
    main()
