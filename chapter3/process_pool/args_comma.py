"""``args=(3)`` is the number 3, not a tuple: ``apply_async`` does not check, the worker's
``f(*args)`` fails, and only ``get()`` says so. ``('ab')`` is split into two letters;
``('a')`` into one, which happens to work."""

import multiprocessing
from gettext import gettext as _


def calculator(x):
    return x * x * x


def shout(word):
    return word.upper()


CASES = [
    ("args=(3)", calculator, (3)),
    ("args=(3,)", calculator, (3,)),
    ("args=('ab')", shout, ("ab")),
    ("args=('ab',)", shout, ("ab",)),
    ("args=('a')", shout, ("a")),
]


def main(ctx=multiprocessing):
    out = {}
    with ctx.Pool(1) as pool:
        for written, task, args in CASES:
            called = []
            pending = pool.apply_async(task, args, callback=called.append)  # never raises
            try:
                got = repr(pending.get(timeout=60))
            except TypeError as e:
                got = f"TypeError: {e}"
            print(_("%s：get() 得到 %s，回调被调用：%s") % (written, got, bool(called)))
            out[written] = {"get": got, "callback": bool(called)}
        pool.close()
        pool.join()  # the workers end by themselves; `with` would terminate() them
    return out


if __name__ == "__main__":
    main()
