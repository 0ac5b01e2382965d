"""The same tasks four ways: ``apply`` in a loop, ``apply_async`` then ``get``, ``map``,
and ``map_async`` while the main process does work of its own.

What is faster is not "async" but handing every task over before waiting.
"""

import multiprocessing
import time
from gettext import gettext as _


def work(seconds):
    time.sleep(seconds)  # stands for a computation
    return seconds


def main(ctx=multiprocessing, processes=4, tasks=4, seconds=0.2):
    took, jobs = {}, [seconds] * tasks
    with ctx.Pool(processes) as pool:
        for way in ("apply", "apply_async", "map", "map_async"):
            start = time.monotonic()
            if way == "apply":
                for s in jobs:
                    pool.apply(work, (s,))  # hand one task over, wait for it, then the next
            elif way == "apply_async":
                for pending in [pool.apply_async(work, (s,)) for s in jobs]:
                    pending.get(timeout=60)
            elif way == "map":
                pool.map(work, jobs, 1)
            else:
                mapped = pool.map_async(work, jobs, 1)
                time.sleep(seconds)  # the main process's own work, meanwhile
                mapped.get(timeout=60)
            took[way] = time.monotonic() - start
            print(_("%s：%.2f 秒") % (way, took[way]))
        pool.close()
        pool.join()  # the workers end by themselves; `with` would terminate() them
    return took


if __name__ == "__main__":
    main()
