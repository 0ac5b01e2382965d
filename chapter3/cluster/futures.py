"""What a dask Future does that an AsyncResult does too, and where it differs: a
``result(timeout)`` that times out leaves the task running, and a done callback runs in
the client process, on a thread of dask's."""

import os
import threading
import time
from gettext import gettext as _

from distributed import Client


def nap_then_cube(x, seconds):
    time.sleep(seconds)
    return x**3


def main(address=None, nap=0.5):
    with Client(address) as client:
        late = client.submit(nap_then_cube, 9, nap, pure=False)
        try:
            late.result(timeout=nap / 5)
            timed_out = False
        except TimeoutError:
            timed_out = True
        status = late.status  # the task goes on: a second wait gets its result
        later = late.result(timeout=30)
        print(_("result(timeout) 超时：{t}（任务的状态：{s}）；再等一次得到 {r}").format(
            t=timed_out, s=status, r=later))  # fmt: skip
        where, called = {}, threading.Event()

        def note(future):
            where.update(pid=os.getpid(), thread=threading.current_thread().name)
            called.set()

        last = client.submit(nap_then_cube, 5, 0, pure=False)
        last.add_done_callback(note)
        called.wait(30)
        print(_("回调在进程 {pid}（本进程 {me}）的线程 {thread} 里运行").format(
            me=os.getpid(), **where))  # fmt: skip
    return {"timed_out": timed_out, "status": status, "late": later, "callback": where,
            "pid": os.getpid()}  # fmt: skip


if __name__ == "__main__":
    main()
