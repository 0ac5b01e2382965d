"""Example 3-9, corrected: two producers and one consumer share a conveyor of 2 buns.

Tom and Jerry make 5 buns each, Xiaoming eats 5. ``put()`` waits while the conveyor is
full and ``get()`` while it is empty: the queue does all the coordinating. As printed,
the program never ends (see ``ex3_09_as_printed``); here the main process takes the
buns nobody ate, which lets the producers finish, and joins everybody.
"""

import multiprocessing
import random
import time
from gettext import gettext as _


def producer(name, belt, buns, make):
    for i in range(buns):
        time.sleep(random.uniform(*make))  # making a bun
        belt.put((name, i), timeout=60)  # waits while the conveyor is full
        print(_("生产者 %s 生产了包子 %s。") % (name, i))
    print(_("生产者 %s 收工了。") % name)


def consumer(name, belt, buns, chew):
    for _bun in range(buns):
        maker, i = belt.get(timeout=60)  # waits while the conveyor is empty
        print(_("消费者%s吃 %s 包子 %s。") % (name, maker, i))
        time.sleep(random.uniform(*chew))  # eating it
    print(_("%s吃饱了。") % name)


def main(ctx=multiprocessing, size=2, buns=5, eat=5, make=(1, 2), chew=(1, 3)):
    belt = ctx.Queue(size)  # the conveyor: at most `size` buns on it
    makers = [ctx.Process(target=producer, args=(n, belt, buns, make)) for n in ("Tom", "Jerry")]
    eater = ctx.Process(target=consumer, args=(_("小明"), belt, eat, chew))
    for p in (*makers, eater):
        p.start()
    eater.join(timeout=120)
    left = [belt.get(timeout=60) for _bun in range(2 * buns - eat)]  # what nobody ate
    print(_("主进程收走了剩下的 %d 个包子。") % len(left))
    for p in makers:
        p.join(timeout=60)
    return {"left": left, "exitcodes": [p.exitcode for p in (*makers, eater)]}


if __name__ == "__main__":
    main()
