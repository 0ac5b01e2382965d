"""What a process costs to start depends on what must be imported again. A child started
by spawn imports the module its target lives in (and the main module) afresh; this one
imports NumPy at its top, as analysis scripts do.
Under fork the child is a copy of the parent, with everything already imported.
"""

import multiprocessing
import statistics
import time
from gettext import gettext as _

import numpy  # noqa: F401  every spawned child runs this line again


def nothing():
    pass


def main(ctx=multiprocessing, n=5):
    seconds = []
    for _i in range(n + 1):  # the first may start a helper (the fork server): not counted
        start = time.perf_counter()
        child = ctx.Process(target=nothing)
        child.start()
        child.join(timeout=120)
        seconds.append(time.perf_counter() - start)
    median = statistics.median(seconds[1:])
    print(_("模块顶层导入了 numpy：启动并等待一个进程 {s:.3f} s（{m}）").format(
        s=median, m=ctx.get_start_method()))  # fmt: skip
    return {"process_s": median}


if __name__ == "__main__":
    main()
