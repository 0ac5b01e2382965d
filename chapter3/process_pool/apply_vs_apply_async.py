"""``apply()`` returns once the task is done; ``apply_async()`` returns at once.

What ``apply_async()`` returns is an ``AsyncResult``: a claim on a value still being
computed, which ``get()`` waits for.
"""

import multiprocessing
from gettext import gettext as _


def calculator(x):
    return x * x * x


def main(ctx=multiprocessing):
    with ctx.Pool(1) as pool:
        value = pool.apply(calculator, (2,))  # waits until the worker has computed it
        print(_("apply() 返回 %s") % value)
        pending = pool.apply_async(calculator, (3,))  # hands the task over, returns
        print(_("apply_async() 返回一个 %s") % type(pending).__name__)
        later = pending.get(timeout=60)  # now wait for the value
        print(_("get() 取回 %s") % later)
        pool.close()
        pool.join()  # the workers end by themselves; `with` would terminate() them
    return {"apply": value, "get": later}


if __name__ == "__main__":
    main()
