"""Receiving until the other side is gone: ``EOFError`` comes only once every copy of
the other end is closed, the main process's own copy too (``close_mine``)."""

import multiprocessing
from gettext import gettext as _


def send_and_exit(conn, items):
    for item in items:
        conn.send(item)
    # the process ends here, and its copy of the end is closed


def main(ctx=multiprocessing, items=(1, 2, 3), close_mine=True, patience=1.0):
    mine, theirs = ctx.Pipe()
    p = ctx.Process(target=send_and_exit, args=(theirs, list(items)))
    p.start()
    if close_mine:
        theirs.close()  # after start(): the child has a copy of its own
    p.join(timeout=60)
    got = []
    while mine.poll(patience):  # poll is also true at the end of the file
        try:
            got.append(mine.recv())
        except EOFError:
            print(_("收到 %s，然后是 EOFError") % got)
            return {"got": got, "eof": True}
    print(_("收到 %s，之后 %s 秒什么也没有：recv() 会一直等下去") % (got, patience))
    return {"got": got, "eof": False}


if __name__ == "__main__":
    main()
