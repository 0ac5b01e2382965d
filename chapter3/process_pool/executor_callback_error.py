"""A done-callback that raises under ``ProcessPoolExecutor``: the error is logged (logger
``concurrent.futures``), and nothing else changes — the result, the next callback, the
next task."""

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from gettext import gettext as _


def calculator(x):
    return x * x * x


def broken(future):
    raise RuntimeError("done-callback failed")


def main(ctx=multiprocessing):
    later = []
    with ProcessPoolExecutor(1, mp_context=ctx) as executor:
        future = executor.submit(calculator, 2)
        future.add_done_callback(broken)  # its error is logged, and that is all
        future.add_done_callback(later.append)  # still called
        value = future.result(timeout=60)
        print(_("回调出错，result() 照样是 %s") % value)
        after = executor.submit(calculator, 3).result(timeout=60)
        print(_("之后的任务照常完成：%s") % after)
    return {"value": value, "later_callback": len(later), "after": after}


if __name__ == "__main__":
    main()
