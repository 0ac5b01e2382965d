"""Python 3.11: a callback that raises (or takes two arguments) ends the pool's result
thread. No result comes back after that, ``join()`` waits forever, and ``terminate()``
fails half-way (gh-83371) — so this program stops the workers itself."""

import multiprocessing
import threading
from gettext import gettext as _


def calculator(x):
    return x * x * x


def broken(value):
    raise RuntimeError(f"callback failed on {value}")


def two_args(value, extra):  # a pool calls a callback with one argument
    pass


def main(ctx=multiprocessing, kind="raises", check=1.0):
    pool = ctx.Pool(2)
    workers = ctx.active_children()
    callback = {"raises": broken, "two-args": two_args}[kind]
    first = pool.apply_async(calculator, (1,), callback=callback)
    second = pool.apply_async(calculator, (2,))
    for pending in (first, second):
        pending.wait(timeout=check)
    ready = [first.ready(), second.ready()]
    print(_("两个任务的结果送回来了吗：%s") % ready)
    pool.close()
    joiner = threading.Thread(target=pool.join, daemon=True)
    joiner.start()
    joiner.join(timeout=check)
    blocked = joiner.is_alive()
    print(_("close() 之后 join() 还在等：%s") % blocked)
    error = None
    try:
        pool.terminate()
    except AssertionError as e:
        error = f"AssertionError: {e}"
        print(_("terminate() 抛出 %s") % error)
    for w in workers:  # what terminate() did not get to
        w.terminate()
        w.join(timeout=60)
    joiner.join(timeout=60)
    return {"ready": ready, "join_blocked": blocked, "terminate_error": error}


if __name__ == "__main__":
    main()
