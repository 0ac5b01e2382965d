"""The dining philosophers, with a waiter: only four seats for five philosophers.

A philosopher sits down (a semaphore of ``n - 1`` seats) before he picks up a fork, so
the five can never each hold one fork: one of the seated always gets both.
"""

import multiprocessing
import time
from gettext import gettext as _


def philosopher(me, forks, seats, meals, eat, eaten):
    left, right = forks[me], forks[(me + 1) % len(forks)]
    for _meal in range(meals):
        with seats, left, right:  # a seat first, then the left fork, then the right
            print(_("哲学家 %d 在吃饭") % me)
            time.sleep(eat)
        eaten[me] += 1


def main(ctx=multiprocessing, n=5, meals=2, eat=0.1):
    forks, seats = [ctx.Lock() for i in range(n)], ctx.Semaphore(n - 1)
    eaten = ctx.Array("i", n)  # meals each philosopher had
    args = [(i, forks, seats, meals, eat, eaten) for i in range(n)]
    procs = [ctx.Process(target=philosopher, args=a, name=f"philosopher-{a[0]}") for a in args]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=60)
    return list(eaten)


if __name__ == "__main__":
    main()
