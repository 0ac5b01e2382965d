"""``q.join()`` waits until every item put has been marked done with ``task_done()`` —
not merely taken out of the queue.

A worker takes each item, works on it, then calls ``task_done()``.
``q.join()`` has no timeout, so a thread of its own waits in it, and the main thread
waits for that thread with one.
"""

import queue
import threading
from gettext import gettext as _


def worker(q, n):
    for _i in range(n):
        item = q.get(timeout=60)
        print(_("worker 处理完 %s") % item)  # taken out and worked on: now done
        q.task_done()


def main(items=("a", "b")):
    q = queue.Queue()
    for item in items:
        q.put(item)
    threads = [threading.Thread(target=worker, args=(q, len(items))),
               threading.Thread(target=q.join, daemon=True)]  # fmt: skip
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)  # the second: until q.join() returned
    print(_("每个元素都 task_done 了：q.join() 返回"))
    return q.unfinished_tasks


if __name__ == "__main__":
    main()
