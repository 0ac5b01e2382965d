"""The pitfall: joining a process whose items nobody has taken from the queue yet.

A process that has put items waits, before it exits, until its queue's feeder thread
has written them all into the pipe; a full pipe keeps it alive although its function
has returned. ``cancel=True``: it calls ``cancel_join_thread()`` and exits at once,
and what was not yet written is lost.
"""

import multiprocessing
import queue
from gettext import gettext as _


def produce(q, items, cancel):
    for i in range(items):
        q.put(bytes([i % 256]) * 1000)  # 1 KB each: far more than a pipe holds
    if cancel:
        q.cancel_join_thread()  # do not wait for the feeder thread at exit
    print(_("生产者：全部放入了，函数返回"))


def main(ctx=multiprocessing, items=256, cancel=False, wait=1.0):
    q = ctx.Queue()
    p = ctx.Process(target=produce, args=(q, items, cancel))
    p.start()
    p.join(timeout=wait)  # joining before getting
    alive, code = p.is_alive(), p.exitcode
    print(_("join(%s) 之后，生产者还活着：%s") % (wait, alive))
    got = 0
    while got < items:
        try:
            q.get(timeout=60 if p.is_alive() else 0.5)
        except queue.Empty:  # it has exited, and what it had not written is gone
            break
        got += 1
    p.join(timeout=60)
    print(_("主进程取到 %d/%d 项，生产者的退出码 %s") % (got, items, p.exitcode))
    return {"alive_after_join": alive, "exitcode_then": code, "got": got, "exitcode": p.exitcode}


if __name__ == "__main__":
    main()
