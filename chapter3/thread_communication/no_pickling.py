"""Threads share one memory, so ``queue.Queue`` hands over the object itself: nothing is
pickled, and a lambda or a lock goes through as it is."""

import queue
import threading
from gettext import gettext as _


def put_all(q, things):
    for thing in things:
        q.put(thing, timeout=60)


def main():
    things = [lambda: 42, threading.Lock()]  # neither can be pickled
    q = queue.Queue()
    t = threading.Thread(target=put_all, args=(q, things))
    t.start()
    same = [q.get(timeout=60) is thing for thing in things]
    t.join(timeout=60)
    print(_("queue.Queue 在线程间传递 lambda 和锁，送到的是原对象：%s") % same)
    return same


if __name__ == "__main__":
    main()
