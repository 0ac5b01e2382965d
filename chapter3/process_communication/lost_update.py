"""Two processes add 1 to a shared counter; without its lock one addition can be lost.

``counter.value += 1`` is a read, then a write. Here the two steps are spelled out, with
a pause between them (the rest of the work), so that both processes can read the old
value before either writes it back. Holding ``counter.get_lock()`` around both steps
keeps the other process out until the write is done: ``main(locked=True)``.
"""

import multiprocessing
import time
from gettext import gettext as _


def bump(counter, pause):
    old = counter.value  # step 1: read
    time.sleep(pause)
    counter.value = old + 1  # step 2: write


def add_one(counter, locked, pause):
    if locked:
        with counter.get_lock():  # an RLock: the read and the write may take it again
            bump(counter, pause)
    else:
        bump(counter, pause)


def main(ctx=multiprocessing, locked=False, workers=2, pause=0.1):
    counter = ctx.Value("i", 0)
    procs = [ctx.Process(target=add_one, args=(counter, locked, pause)) for _i in range(workers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=60)
    how = _("加锁") if locked else _("不加锁")
    print(_("%s：%d 个进程各加 1 之后，counter = %d") % (how, workers, counter.value))
    return counter.value


if __name__ == "__main__":
    main()
