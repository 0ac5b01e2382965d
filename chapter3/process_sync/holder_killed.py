"""A process holding the only permit is stopped inside ``with sem:``: is it given back?

``with`` and ``finally`` are Python code: they run while Python unwinds the stack, not
when a signal ends the process at once. ``how``: ``"kill"`` (SIGKILL), ``"terminate"``
(SIGTERM), ``"terminate-handled"`` (SIGTERM, with a handler that turns it into
SystemExit) or ``"os._exit"``. Then the main process asks for the permit, for
``patience`` seconds.
"""

import multiprocessing
import os
import signal
import sys
import time
from gettext import gettext as _


def holder(sem, how, inside):
    if how == "terminate-handled":  # SIGTERM becomes SystemExit, which unwinds the stack
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    with sem:
        if how == "os._exit":
            os._exit(3)  # leaves at once: no with, no finally runs
        inside.set()
        time.sleep(60)  # until the main process stops it


def main(ctx=multiprocessing, how="kill", patience=1.0):
    sem, inside = ctx.Semaphore(1), ctx.Event()
    p = ctx.Process(target=holder, args=(sem, how, inside))
    p.start()
    if how != "os._exit" and inside.wait(60):
        (p.kill if how == "kill" else p.terminate)()
    p.join(timeout=60)
    print(_("持有信号量的进程退出了，退出码 %s") % p.exitcode)
    got = sem.acquire(timeout=patience)  # without a timeout this could wait forever
    print(_("主进程拿到了信号量") if got else _("主进程等了 %s 秒，信号量没有回来") % patience)
    return {"exitcode": p.exitcode, "got": got}


if __name__ == "__main__":
    main()
