"""Example 3-8: five processes print a greeting each, one at a time, under a lock."""

import multiprocessing
from gettext import gettext as _


def greet(lock, i):
    with lock:  # acquire(); release() when the block ends, even if print raises
        print(_("%s 说: Hello Python ...") % i)


def main(ctx=multiprocessing, workers=5):
    lock = ctx.Lock()
    procs = [ctx.Process(target=greet, args=(lock, i)) for i in range(workers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=60)
    return [p.exitcode for p in procs]


if __name__ == "__main__":
    main()
