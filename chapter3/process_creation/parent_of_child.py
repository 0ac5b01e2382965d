"""Who is the child's parent: for the operating system (``os.getppid()``), and for
``multiprocessing`` (``parent_process()``). Under forkserver they differ: the fork server
makes the child, on the main process's behalf."""

import multiprocessing
import os
from gettext import gettext as _


def report(conn):
    parent = multiprocessing.parent_process()
    conn.send({"ppid": os.getppid(), "parent_pid": parent.pid, "parent_name": parent.name})


def main(ctx=multiprocessing):
    mine, theirs = ctx.Pipe()
    child = ctx.Process(target=report, args=(theirs,))
    child.start()
    seen = mine.recv() if mine.poll(60) else {}
    child.join(timeout=60)
    print(_("主进程 %s，子进程 %s") % (os.getpid(), child.pid))
    print(_("子进程的 os.getppid()：%s") % seen.get("ppid"))
    parent = (seen.get("parent_pid"), seen.get("parent_name"))
    print(_("子进程的 parent_process()：%s（%s）") % parent)
    return {"main": os.getpid(), "child": child.pid, **seen}


if __name__ == "__main__":
    main()
