"""The price of leases: a holder that is alive but cannot renew its lease loses it too.
The worker running the task that holds the only permit is paused (SIGSTOP, as a stalled
machine, or a task that keeps the GIL too long, would be); its lease lapses, the client
gets the permit, and once the worker goes on, two hold the one permit at once.

The task makes its ``Semaphore`` from the name. One passed in as an argument
(``passed``) is not renewed by a worker that has no client of its own yet
(distributed 2026.8): its lease lapses with no pause at all."""

import os
import signal
import time
import uuid
from gettext import gettext as _

import dask
from distributed import Client, Event, Semaphore, Variable


def lease_settings(lease_timeout):
    key = "distributed.scheduler.locks."
    return {key + "lease-timeout": f"{lease_timeout}s",
            key + "lease-validation-interval": f"{lease_timeout / 4}s"}  # fmt: skip


def hold(permit, held, done):
    sem = permit if isinstance(permit, Semaphore) else Semaphore(max_leases=1, name=permit)
    with sem:
        began = time.time()  # one clock for every process of this machine
        Variable(held).set(os.getpid())  # inside, and in this process
        Event(done).wait(timeout=60)  # until the client is done; its worker may be paused
        return began, time.time()


def main(address=None, lease_timeout=2.0, pause=True, passed=False):
    with dask.config.set(lease_settings(lease_timeout)), Client(address) as client:
        sem = Semaphore(max_leases=1, name=f"permit-{uuid.uuid4().hex}")
        held, done = uuid.uuid4().hex, uuid.uuid4().hex
        holding = client.submit(hold, sem if passed else sem.name, held, done, pure=False)
        pid = Variable(held).get(timeout=60)  # the worker process holding the permit
        if pause:
            os.kill(pid, signal.SIGSTOP)
            print(_("暂停了持有许可的 worker（进程 {pid}）").format(pid=pid))
        try:
            got, acquired = sem.acquire(timeout=3 * lease_timeout), time.time()
        finally:
            os.kill(pid, signal.SIGCONT)
        Event(done).set()
        began, ended = holding.result(timeout=60)
        if got:
            sem.release()
    both = got and began < acquired < ended
    print(_("客户端拿到许可：{g}；那时 worker 上的任务还在临界区里：{b}").format(g=got, b=both))
    return {"got": got, "acquired": acquired, "holder": [began, ended], "both_inside": both}


if __name__ == "__main__":
    main()
