"""What crosses the wire: a task's function and arguments are serialised (cloudpickle),
so a lambda reaches a dask worker where a spawned pool refuses it; and a worker's
globals are its own, as a child process's are (Example 3-3)."""

import multiprocessing
import os
from gettext import gettext as _

from distributed import Client

counter = 0


def bump(_task):
    global counter
    counter += 1
    return counter, os.getpid()


def main(address=None, tasks=4):
    global counter
    counter = 0
    square = lambda x: x * x  # noqa: E731 - the point: a function with no name to look up
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        try:
            pool.apply(square, (7,))
            refused = ""
        except Exception as e:  # what the pool's pickling says of a lambda
            refused = f"{type(e).__name__}: {e}"
        pool.close()
        pool.join()  # the worker ends by itself; `with` would terminate() it
    print(_("spawn 的进程池拒绝 lambda：{e}").format(e=refused))
    with Client(address) as client:
        squared = client.submit(square, 7).result(timeout=30)
        print(_("dask 的 worker 算出 lambda(7) = {r}").format(r=squared))
        bumps = client.gather(client.map(bump, range(tasks), pure=False))
    print(_("worker 上的 counter：{c}；客户端的 counter：{mine}").format(
        c=[c for c, _pid in bumps], mine=counter))  # fmt: skip
    return {"refused": refused, "dask_square": squared, "bumps": bumps, "counter": counter}


if __name__ == "__main__":
    main()
