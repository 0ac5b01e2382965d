"""A ``queue.Queue(size)`` between two threads: ``get`` waits while it is empty, ``put``
while it is full; with a ``timeout``, they give up with ``queue.Empty`` / ``queue.Full``.

The producer fills the queue, fails to put one more within ``patience`` seconds, then
puts it without giving up so soon: that ``put`` returns once the main thread takes one.
"""

import queue
import threading
from gettext import gettext as _


def producer(q, size, patience, full):
    for i in range(size):
        q.put(f"item-{i}", timeout=60)
    try:
        q.put("extra", timeout=patience)  # full: nobody takes anything yet
    except queue.Full:
        print(_("满队列：put 等了 %s 秒，抛出 queue.Full") % patience)
    full.set()
    q.put(f"item-{size}", timeout=60)  # waits until the main thread takes one


def main(size=2, patience=0.5):
    q, full = queue.Queue(size), threading.Event()
    try:
        q.get(timeout=patience)
    except queue.Empty:
        print(_("空队列：get 等了 %s 秒，抛出 queue.Empty") % patience)
    t = threading.Thread(target=producer, args=(q, size, patience, full))
    t.start()
    full.wait(timeout=60)  # the producer has met the full queue
    order = [q.get(timeout=60) for _i in range(size + 1)]
    t.join(timeout=60)
    print(_("取出的顺序：%s") % order)
    return order


if __name__ == "__main__":
    main()
