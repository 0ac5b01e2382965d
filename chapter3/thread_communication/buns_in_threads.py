"""Example 3-9 with threads: Tom and Jerry make buns, Xiaoming eats them all.

The conveyor is a ``queue.Queue(size)``: ``put`` waits while it is full, ``get`` while it
is empty. Each producer puts a ``None`` when it has finished; the consumer stops once it
has one from each, so every thread ends.
"""

import queue
import threading
import time
from gettext import gettext as _


def producer(name, belt, buns, make):
    for i in range(buns):
        time.sleep(make)  # making a bun
        belt.put((name, i), timeout=60)  # waits while the conveyor is full
        print(_("生产者 %s 生产了包子 %s。") % (name, i))
    belt.put(None, timeout=60)  # this producer has finished
    print(_("生产者 %s 收工了。") % name)


def consumer(name, belt, producers, eat, eaten):
    finished = 0
    while finished < producers:  # one None per producer
        bun = belt.get(timeout=60)  # waits while the conveyor is empty
        if bun is None:
            finished += 1
            continue
        print(_("消费者%s吃 %s 包子 %s。") % (name, *bun))
        eaten.append(bun)
        time.sleep(eat)  # eating it
    print(_("%s吃饱了。") % name)


def main(size=2, buns=5, make=0.5, eat=1.0):
    belt, eaten = queue.Queue(size), []
    makers = [
        threading.Thread(target=producer, args=(n, belt, buns, make)) for n in ("Tom", "Jerry")
    ]
    eater = threading.Thread(target=consumer, args=(_("小明"), belt, len(makers), eat, eaten))
    for t in (*makers, eater):
        t.start()
    for t in (*makers, eater):
        t.join(timeout=120)
    return {"eaten": eaten, "left": belt.qsize()}


if __name__ == "__main__":
    main()
