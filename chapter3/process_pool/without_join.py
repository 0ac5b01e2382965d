"""The end of Example 3-10 as a program of its own: ``close()``, and ``join()`` or not.

Without ``join()`` the program reaches its last line while the tasks still work. At
exit, ``multiprocessing`` terminates the pool: the tasks die with their workers and the
callback never runs — no error, no output, exit code 0. ``main(join=True)`` waits.
"""

import functools
import multiprocessing
import time
from gettext import gettext as _


def slow_cube(work, x):
    time.sleep(work)  # stands for a long computation
    return x * x * x


def callback_print(result):
    print(_("回调函数收到结果：%s") % (result,))


def main(ctx=multiprocessing, join=False, work=1.0):
    pool = ctx.Pool(2)
    print("map_async:")
    pool.map_async(functools.partial(slow_cube, work), [1, 2, 3], callback=callback_print)
    pool.close()
    if join:
        pool.join()  # waits for the tasks, and for the callback
    print(_("程序到达末尾"))
    return {"joined": join}


if __name__ == "__main__":
    main()
