"""A bounded queue, ``Queue(maxsize)``: with ``maxsize`` items not yet taken, ``put()``
waits for a ``get()``."""

import multiprocessing
from gettext import gettext as _


def fill(q, n):
    for i in range(n):
        q.put(i, timeout=60)  # waits while the queue is full
        print(_("生产者放入了 %d") % i)


def main(ctx=multiprocessing, maxsize=2, wait=0.5):
    q = ctx.Queue(maxsize)
    p = ctx.Process(target=fill, args=(q, maxsize + 1))  # one item more than fits
    p.start()
    p.join(timeout=wait)  # nobody takes anything meanwhile
    waiting = p.is_alive()
    print(_("%s 秒没人取，生产者还在等着放：%s") % (wait, waiting))
    got = [q.get(timeout=60) for _i in range(maxsize + 1)]
    p.join(timeout=60)
    print(_("主进程取到 %s") % got)
    return {"still_putting": waiting, "got": got}


if __name__ == "__main__":
    main()
