"""Example 3-7 with threads: ``workers`` threads share a ``threading.Semaphore(permits)``.

At most ``permits`` threads hold it at once; the others wait in ``acquire()`` until one
releases it. The same program as with processes, with ``threading`` for
``multiprocessing``.
"""

import threading
import time
from gettext import gettext as _


def work(i, sem, hold):
    with sem:  # acquire() here, release() when the block ends
        print(_("%s 获得信号量") % i)
        time.sleep(hold)  # the work done while holding a permit
    print(_("%s 释放信号量") % i)


def main(permits=3, workers=6, hold=1.0):
    sem = threading.Semaphore(permits)
    threads = [threading.Thread(target=work, args=(i, sem, hold)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return [t.is_alive() for t in threads]


if __name__ == "__main__":
    main()
