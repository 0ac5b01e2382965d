"""A two-way pipe: the main process and a child each send and receive on their own end."""

import multiprocessing
from gettext import gettext as _


def echo(conn, n):
    for _i in range(n):
        if conn.poll(60):
            conn.send(conn.recv().upper())  # answers on the end it received on


def main(ctx=multiprocessing, n=3):
    mine, theirs = ctx.Pipe()  # duplex=True: both ends send and receive
    p = ctx.Process(target=echo, args=(theirs, n))
    p.start()
    replies = []
    for i in range(n):
        mine.send(f"ping {i}")
        if mine.poll(60):
            replies.append(mine.recv())
            print(_("主进程收到 %r") % replies[-1])
    p.join(timeout=60)
    return replies


if __name__ == "__main__":
    main()
