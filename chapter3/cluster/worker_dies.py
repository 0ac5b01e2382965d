"""A worker killed in the middle of a task: the scheduler hands its tasks to a worker
that is alive, and every result is still right. (Here, on one machine, the client kills
the worker's process itself; on a real cluster a machine that fails does the same.)"""

import os
import signal
import time
from gettext import gettext as _

from distributed import Client


def slow_square(x, nap):
    time.sleep(nap)
    return x * x, os.getpid()


def running(client, deadline):
    """A worker that runs one of the tasks, once one does."""
    while time.monotonic() < deadline:
        busy = [worker for worker, keys in client.processing().items() if keys]
        if busy:
            return busy[0]
        time.sleep(0.01)
    raise TimeoutError("no worker started a task")


def main(address=None, tasks=4, nap=1.0):
    with Client(address) as client:
        futures = client.map(slow_square, range(tasks), nap=nap, pure=False)
        victim = running(client, time.monotonic() + 30)
        killed = client.run(os.getpid, workers=[victim])[victim]
        os.kill(killed, signal.SIGKILL)
        print(_("杀死了正在运行任务的 worker（进程 {pid}）").format(pid=killed))
        results = client.gather(futures)
    squares = [square for square, _pid in results]
    pids = sorted({pid for _square, pid in results})
    print(_("结果：{s}；算出它们的进程：{p}").format(s=squares, p=pids))
    return {"killed": killed, "squares": squares, "pids": pids}


if __name__ == "__main__":
    main()
