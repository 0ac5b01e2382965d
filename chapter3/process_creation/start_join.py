"""What ``start()``, ``join(timeout)`` and ``join()`` do to the process that calls them.

``start()`` returns as soon as the child exists, before its target has necessarily run a
line; ``join(timeout)`` gives up after ``timeout`` seconds and returns ``None`` either
way; ``join()`` waits for the end; a finished child can be joined again.
"""

import multiprocessing
import time
from gettext import gettext as _


def child(work):
    print(_("子进程：开始工作"))
    time.sleep(work)
    print(_("子进程：完成"))


def main(ctx=multiprocessing, work=1.0, timeout=0.5):
    p = ctx.Process(target=child, args=(work,))
    out = {"pid_before_start": p.pid}  # None: no process exists yet
    p.start()
    out |= {"pid": p.pid, "alive": p.is_alive(), "exitcode_after_start": p.exitcode}
    print(_("父进程：start() 已返回，子进程 %s 存活：%s") % (p.pid, out["alive"]))
    returned = p.join(timeout)  # gives up after timeout seconds
    out |= {"join_timeout_returned": returned, "alive_after_timeout": p.is_alive()}
    print(_("父进程：join(%s) 返回 %s，子进程存活：%s") % (timeout, returned, p.is_alive()))
    p.join(timeout=work + 60)  # waits for the end
    print(_("父进程：join() 返回，exitcode=%s") % p.exitcode)
    p.join(timeout=60)  # again: returns at once
    return out | {"exitcode": p.exitcode}


if __name__ == "__main__":
    main()
