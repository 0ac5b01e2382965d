"""The dining philosophers, with numbered forks: everybody takes the lower number first.

Philosopher 4's forks are 4 and 0, so he reaches for fork 0 first, as philosopher 0
does: of those two, the one who does not get it holds nothing while he waits, and the
cycle of waiting can never close.
"""

import multiprocessing
import time
from gettext import gettext as _


def philosopher(me, forks, meals, eat, eaten):
    low, high = sorted([me, (me + 1) % len(forks)])
    for _meal in range(meals):
        with forks[low], forks[high]:  # the lower-numbered fork first
            print(_("哲学家 %d 在吃饭") % me)
            time.sleep(eat)
        eaten[me] += 1


def main(ctx=multiprocessing, n=5, meals=2, eat=0.1):
    forks = [ctx.Lock() for i in range(n)]
    eaten = ctx.Array("i", n)  # meals each philosopher had
    args = [(i, forks, meals, eat, eaten) for i in range(n)]
    procs = [ctx.Process(target=philosopher, args=a, name=f"philosopher-{a[0]}") for a in args]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=60)
    return list(eaten)


if __name__ == "__main__":
    main()
