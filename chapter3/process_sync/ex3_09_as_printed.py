"""Example 3-9 as printed, given the imports and the guard it lacks: no join, and
"full" inside the consumer's loop.

With a conveyor of 2 it never ends: the consumer eats 5 of the 10 buns, 2 more fill the
conveyor, the producers wait to put the rest, and the program waits for them before it
exits. The chapter's waits are forever; these give up after ``patience`` seconds (ten
minutes). With ``size=10`` everything fits, and the program ends.
"""

import multiprocessing
import random
import time
from gettext import gettext as _


def consumer(name, q, chew, patience):
    for _bun in range(5):
        maker, i = q.get(timeout=patience)  # waits while the conveyor is empty
        print(_("消费者%s吃 %s 包子 %s。") % (name, maker, i))
        time.sleep(random.uniform(*chew))
        print(_("%s吃饱了。") % name)  # as printed: inside the loop


def producer(name, q, make, patience):
    for i in range(5):
        time.sleep(random.uniform(*make))
        q.put((name, i), timeout=patience)  # waits while the conveyor is full
        print(_("生产者 %s 生产了包子 %s。") % (name, i))
    print(_("生产者 %s 收工了。") % name)


def main(ctx=multiprocessing, size=2, make=(1, 2), chew=(1, 3), patience=600):
    q = ctx.Queue(size)
    ctx.Process(target=producer, args=("Tom", q, make, patience)).start()
    ctx.Process(target=producer, args=("Jerry", q, make, patience)).start()
    ctx.Process(target=consumer, args=(_("小明"), q, chew, patience)).start()  # no join()


if __name__ == "__main__":
    main()
