"""The dining philosophers, naively: everybody takes the left fork, then the right one.

If all five pick up their left fork at the same moment, each waits for a fork his
neighbour holds: a cycle of waiting, a deadlock. Here nobody waits forever: after
``patience`` seconds a philosopher gives up, puts his fork down and leaves hungry.
"""

import multiprocessing
import time
from gettext import gettext as _


def philosopher(me, forks, meals, eat, patience, eaten):
    left, right = forks[me], forks[(me + 1) % len(forks)]
    for _meal in range(meals):
        with left:
            if not right.acquire(timeout=patience):  # the right fork never came
                print(_("哲学家 %d 拿着左边的叉子，等不到右边的，饿着离开了") % me)
                return
            print(_("哲学家 %d 在吃饭") % me)
            time.sleep(eat)
            right.release()
        eaten[me] += 1


def main(ctx=multiprocessing, n=5, meals=2, eat=0.1, patience=1.0):
    forks = [ctx.Lock() for i in range(n)]
    eaten = ctx.Array("i", n)  # meals each philosopher had
    args = [(i, forks, meals, eat, patience, eaten) for i in range(n)]
    procs = [ctx.Process(target=philosopher, args=a, name=f"philosopher-{a[0]}") for a in args]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=60)
    return list(eaten)


if __name__ == "__main__":
    main()
