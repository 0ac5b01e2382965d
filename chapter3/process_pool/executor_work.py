"""The chapter's cubes with ``concurrent.futures.ProcessPoolExecutor``: ``submit`` gives a
``Future``, ``as_completed`` yields the futures as they finish, ``Executor.map`` the
results in input order. Unlike a ``Pool``, it starts its workers at the first submit."""

import multiprocessing
from concurrent.futures import ProcessPoolExecutor, as_completed
from gettext import gettext as _


def calculator(x):
    print(_("计算 %s 的立方") % x)
    return x * x * x


def main(ctx=multiprocessing, inputs=(1, 2, 3)):
    with ProcessPoolExecutor(len(inputs), mp_context=ctx) as executor:
        workers = len(ctx.active_children())  # none yet: they start with the first submit
        futures = [executor.submit(calculator, x) for x in inputs]
        try:
            futures[0].result(timeout=0.1)
            error = None
        except TimeoutError as e:  # concurrent.futures.TimeoutError is the built-in one
            error = f"{type(e).__module__}.{type(e).__qualname__}"
            print(_("result(timeout=0.1) 抛出 %s") % error)
        finished = []
        for future in as_completed(futures, timeout=60):
            finished.append(future.result())
            print(_("as_completed 给出 %s") % finished[-1])
        mapped = list(executor.map(calculator, [x + 10 for x in inputs], timeout=60))
        print(_("map 给出 %s") % mapped)
    return {"workers": workers, "timeout": error, "as_completed": finished, "map": mapped}


if __name__ == "__main__":
    main()
