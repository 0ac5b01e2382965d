"""Six tasks on two workers: a worker that is done takes the next task waiting.

``chunksize`` inputs travel to a worker together; with ``maxtasksperchild`` a worker
leaves after that many chunks and the pool starts a fresh one in its place.
"""

import multiprocessing
from gettext import gettext as _


def whoami(x):
    me = multiprocessing.current_process()
    print(_("%s 执行任务 %s") % (me.name, x))
    return x, me.name, me.pid


def main(ctx=multiprocessing, processes=2, tasks=6, chunksize=1, maxtasksperchild=None):
    with ctx.Pool(processes, maxtasksperchild=maxtasksperchild) as pool:
        done = pool.map_async(whoami, range(tasks), chunksize).get(timeout=60)
        pool.close()
        pool.join()  # the workers end by themselves; `with` would terminate() them
    return [list(d) for d in done]


if __name__ == "__main__":
    main()
