"""A deadlock, and how to find where it hangs: two threads take two locks in opposite
orders; ``faulthandler`` writes every thread's stack while they wait.

A barrier makes sure each thread holds its first lock before it asks for the second; the
second ``acquire`` has a timeout, so the program ends anyway.
"""

import faulthandler
import tempfile
import threading
from gettext import gettext as _


def take_two(first, second, barrier, patience, took):
    with first:
        barrier.wait(timeout=60)  # both hold their first lock now
        took[threading.current_thread().name] = got = second.acquire(timeout=patience)
        if got:
            second.release()
        barrier.wait(timeout=60)  # keep the first until the other has given up too


def main(patience=5.0, dump_after=1.0):
    a, b, barrier, took = threading.Lock(), threading.Lock(), threading.Barrier(2), {}
    threads = [
        threading.Thread(target=take_two, args=(x, y, barrier, patience, took), name=n)
        for n, x, y in (("left", a, b), ("right", b, a))
    ]
    with tempfile.TemporaryFile("w+") as dump:
        faulthandler.dump_traceback_later(dump_after, file=dump)  # a watchdog, in C
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        faulthandler.cancel_dump_traceback_later()
        dump.seek(0)
        stacks = dump.read()
    print(stacks)
    print(_("拿到了第二把锁：%s") % took)
    return {"dump": stacks, "idents": {t.name: t.ident for t in threads}, "took": took}


if __name__ == "__main__":
    main()
