"""Example 3-12, corrected: Example 3-3's two workers, run in threads one after the other.

``worker_1`` adds 20 and ``worker_2`` adds 100 to the module's global ``share_num``.
Threads share their process's memory, so the main thread, reading it after each join,
sees what the workers wrote. As printed, the chapter's listing lacks ``import threading``
and calls the reader "the main process": it is the main thread of the only process.
"""

import threading
from gettext import gettext as _

share_num: int = 0  # one variable for the whole process, and all its threads


def worker_1():
    global share_num  # the module's variable, not a new local one
    share_num += 20
    print(_("worker_1，share_num=%d") % share_num)


def worker_2():
    global share_num
    share_num += 100
    print(_("worker_2，share_num=%d") % share_num)


def main():
    global share_num
    share_num, seen = 0, []  # from 0, each time main() runs
    for worker in (worker_1, worker_2):
        t = threading.Thread(target=worker)
        t.start()
        t.join(timeout=60)  # one worker after the other
        seen.append(share_num)
        print(_("%s 结束后，主线程读到 share_num=%d") % (worker.__name__, share_num))
    return seen


if __name__ == "__main__":
    main()
