"""Daemon threads at the end of a program: the interpreter waits for the others only.

Run it as a program (``python -m chapter3.thread_creation.daemon_at_exit``). The main
thread starts a non-daemon and a daemon thread, and reaches the end of the program. The
non-daemon thread begins its job only then; the daemon's job would take a minute.
"""

import threading
import time
from gettext import gettext as _


def steady(main_done, work):
    main_done.wait(60)  # its job starts once the main thread is through
    time.sleep(work)
    print(_("非守护线程：工作完成"), flush=True)


def endless(busy):
    try:
        busy.set()
        time.sleep(60)  # far longer than the program lasts
        print(_("守护线程：工作完成"), flush=True)
    finally:
        print(_("守护线程：finally 块"), flush=True)


def main(work=0.5):
    main_done, busy = threading.Event(), threading.Event()
    threading.Thread(target=steady, args=(main_done, work), name="non-daemon").start()
    threading.Thread(target=endless, args=(busy,), name="daemon", daemon=True).start()
    busy.wait(60)
    print(_("主线程：代码执行完毕"), flush=True)
    main_done.set()


if __name__ == "__main__":
    main()
