"""A process holding the only permit fails before it gives it back: who else gets it?

``guard`` is how the holder means to give the permit back: ``"bare"`` (acquire ...
release, as in Example 3-7), ``"with"`` (a with block) or ``"finally"`` (try/finally, as
in Example 3-8). ``how`` is how it fails: ``"raise"`` (an exception) or ``"exit"``
(``sys.exit(3)``). Then the main process asks for the permit, for ``patience`` seconds.
"""

import multiprocessing
import sys
from gettext import gettext as _


def work(how):
    if how == "exit":
        sys.exit(3)
    raise RuntimeError("the work failed")


def holder(sem, guard, how):
    if guard == "bare":
        sem.acquire(timeout=60)
        work(how)
        sem.release()  # never reached
    elif guard == "with":
        with sem:
            work(how)
    else:
        sem.acquire(timeout=60)
        try:
            work(how)
        finally:
            sem.release()


def main(ctx=multiprocessing, guard="bare", how="raise", patience=1.0):
    sem = ctx.Semaphore(1)
    p = ctx.Process(target=holder, args=(sem, guard, how))
    p.start()
    p.join(timeout=60)
    print(_("持有信号量的进程退出了，退出码 %s") % p.exitcode)
    got = sem.acquire(timeout=patience)  # without a timeout this could wait forever
    print(_("主进程拿到了信号量") if got else _("主进程等了 %s 秒，信号量没有回来") % patience)
    return {"exitcode": p.exitcode, "got": got}


if __name__ == "__main__":
    main()
