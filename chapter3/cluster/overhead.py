"""What one tiny task costs: the same many small tasks on a ``multiprocessing.Pool``, a
``ProcessPoolExecutor`` (both with two worker processes, on this machine) and a dask
cluster. Each is started and warmed up before the clock starts: only the tasks count."""

import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor
from gettext import gettext as _

from distributed import Client


def tiny(x):
    return x + 1


def per_task(run, tasks):
    """Seconds per task of ``run(inputs)``, once it has warmed up."""
    run(range(2))
    start = time.perf_counter()
    out = run(range(tasks))
    assert out == [x + 1 for x in range(tasks)]
    return (time.perf_counter() - start) / tasks


def main(address=None, tasks=400, ctx=multiprocessing):
    costs = {}
    with ctx.Pool(2) as pool:
        costs["Pool.map"] = per_task(lambda xs: pool.map(tiny, xs, chunksize=1), tasks)
        pool.close()
        pool.join()  # the workers end by themselves; `with` would terminate() them
    with ProcessPoolExecutor(2, mp_context=ctx) as ex:
        costs["ProcessPoolExecutor.map"] = per_task(lambda xs: list(ex.map(tiny, xs)), tasks)
    with Client(address) as client:
        costs["Client.map"] = per_task(
            lambda xs: client.gather(client.map(tiny, xs, pure=False)), tasks
        )
    for way, seconds in costs.items():
        print(_("{way}：每个任务 {us:.0f} µs").format(way=way, us=seconds * 1e6))
    return costs


if __name__ == "__main__":
    main()
