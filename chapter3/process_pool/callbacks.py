"""Where a callback runs, and with what: in the main process, in the pool's result
thread, with one argument — a task's value, ``map_async``'s whole list, or, for
``error_callback``, the exception."""

import multiprocessing
import threading
from gettext import gettext as _


def calculator(x):
    return x * x * x


def fail(x):
    raise ValueError(f"bad input {x}")


def main(ctx=multiprocessing):
    calls = []

    def reporter(kind):
        def callback(*args):
            where = threading.current_thread().name
            calls.append({"kind": kind, "args": [repr(a) for a in args], "thread": where})
            print(_("%s 收到 %d 个参数 %r，在线程 %s 中") % (kind, len(args), args[0], where))

        return callback

    with ctx.Pool(2) as pool:
        one = pool.apply_async(calculator, (1,), callback=reporter("callback"))
        two = pool.apply_async(fail, (2,), error_callback=reporter("error_callback"))
        three = pool.map_async(calculator, [1, 2, 3], callback=reporter("map_async"))
        for pending in (one, two, three):
            pending.wait(timeout=60)  # done: its callback has run
        pool.close()
        pool.join()  # the workers end by themselves; `with` would terminate() them
    return calls


if __name__ == "__main__":
    main()
