"""The two ids of a thread: Python's ``ident`` and the kernel's ``native_id``."""

import os
import threading
from gettext import gettext as _


def report(barrier, seen):
    me = threading.current_thread()
    seen[me.name] = {"ident": threading.get_ident(), "native_id": threading.get_native_id()}
    print(_("%s：ident=%d，native_id=%d") % (me.name, me.ident, me.native_id))
    barrier.wait(60)  # all of them alive at once: live threads never share an id


def main(n=3):
    seen, barrier = {}, threading.Barrier(n)
    threads = [threading.Thread(target=report, args=(barrier, seen), name=f"thread-{i}")
               for i in range(n)]  # fmt: skip
    before = [threads[0].ident, threads[0].native_id]  # not started yet
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    first = threading.main_thread()
    print(_("主线程：ident=%d，native_id=%d，PID=%d") % (first.ident, first.native_id, os.getpid()))
    outside = {t.name: {"ident": t.ident, "native_id": t.native_id} for t in [first, *threads]}
    return {"pid": os.getpid(), "before_start": before, "inside": seen, "outside": outside}


if __name__ == "__main__":
    main()
