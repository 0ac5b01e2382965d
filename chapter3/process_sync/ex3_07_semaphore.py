"""Example 3-7: processes share a semaphore of one permit and take turns.

Nobody is joined before the last process is started, yet only one process at a time is
inside: whoever asks for the permit while another holds it waits in ``acquire()``.
The chapter's second run is ``main(permits=3, workers=6)``.
"""

import multiprocessing
import random
import time
from gettext import gettext as _


def work(i, sem, hold):
    with sem:  # acquire() here, release() when the block ends, even on an error
        print(_("%s 获得信号量") % i)
        time.sleep(random.uniform(*hold))  # the work done while holding a permit
    print(_("%s 释放信号量") % i)


def main(ctx=multiprocessing, permits=1, workers=4, hold=(1, 5)):
    sem = ctx.Semaphore(permits)  # how many processes may hold it at once
    procs = [ctx.Process(target=work, args=(i, sem, hold)) for i in range(workers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=60)
    return [p.exitcode for p in procs]


if __name__ == "__main__":
    main()
