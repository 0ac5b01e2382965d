"""Daemon threads at the end of a program: the interpreter waits for the others only.

Run it as a program (``python -m chapter3.thread_creation.daemon_at_exit``). The main
thread starts a non-daemon and a daemon thread, and reaches the end of the program. The
non-daemon thread does its job only after the main thread's last line; the daemon's
job would take a minute.
"""

import threading
import time
from gettext import gettext as _


def steady(last_line):
    last_line.wait(60)  # its job starts once the main thread has printed its last line
    print(_("非守护线程：工作完成"), flush=True)


def endless(last_line):
    try:
        last_line.wait(60)
        time.sleep(60)  # far longer than the program lasts
        print(_("守护线程：工作完成"), flush=True)
    finally:
        print(_("守护线程：finally 块"), flush=True)


def main():
    last_line = threading.Barrier(3)  # the three threads meet here
    threading.Thread(target=steady, args=(last_line,), name="non-daemon").start()
    threading.Thread(target=endless, args=(last_line,), name="daemon", daemon=True).start()
    print(_("主线程：代码执行完毕"), flush=True)
    last_line.wait(60)


if __name__ == "__main__":
    main()
