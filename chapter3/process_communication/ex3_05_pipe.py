"""Example 3-5: proc1 sends ten numbers through a pipe, one a second; proc2 receives
five of them, one a second.

The main process keeps both ends, as in the chapter; once both children have ended it
reads what nobody received, which is still in the pipe.
"""

import multiprocessing
import time
from gettext import gettext as _


def proc1(conn, n, pause):
    for i in range(n):
        print(_("proc1 发送：%s") % i)
        conn.send(i)
        time.sleep(pause)


def proc2(conn, n, pause):
    for _i in range(n):
        if not conn.poll(60):  # at most a minute for the next number
            break
        print(_("proc2 接收：%s") % conn.recv())
        time.sleep(pause)


def main(ctx=multiprocessing, sends=10, receives=5, pause=1.0):
    end1, end2 = ctx.Pipe()  # two-way, the default
    p1 = ctx.Process(target=proc1, args=(end1, sends, pause))
    p2 = ctx.Process(target=proc2, args=(end2, receives, pause))
    p1.start()
    p2.start()
    p1.join(timeout=60)
    p2.join(timeout=60)
    left = []
    while end2.poll():  # both have ended: what is left is in the pipe
        left.append(end2.recv())
    print(_("管道里还剩：%s") % left)
    return {"exitcodes": [p1.exitcode, p2.exitcode], "left": left}


if __name__ == "__main__":
    main()
