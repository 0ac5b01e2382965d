"""Fork copies a ``threading.Lock`` as it is at that moment: a lock held at the fork is
locked in the child, and stays locked, though the parent releases its own at once; a lock
free at the fork is free in the child, though the parent takes its own at once. Only fork
copies a ``threading.Lock`` into a child at all."""

import multiprocessing
import threading
from gettext import gettext as _


def try_copy(lock, patience, answer):
    got = lock.acquire(timeout=patience)  # the child's own copy
    print(_("子进程拿到了自己那份锁？%s") % got)
    answer.put(got, timeout=60)


def fork_and_try(ctx, held, patience):
    lock, answer = threading.Lock(), ctx.Queue()
    if held:
        lock.acquire(timeout=60)  # locked at the fork
    p = ctx.Process(target=try_copy, args=(lock, patience, answer))
    p.start()
    if held:
        lock.release()  # the parent's lock is free again at once
    else:
        lock.acquire(timeout=60)  # the parent takes its lock at once
    got = answer.get(timeout=60)
    p.join(timeout=60)
    return got


def main(ctx=multiprocessing, patience=1.0):
    if ctx.get_start_method() != "fork":
        print(_("只有 fork 会把 threading.Lock 复制进子进程"))
        return None
    return {held: fork_and_try(ctx, held == "held", patience) for held in ("held", "free")}


if __name__ == "__main__":
    main()
