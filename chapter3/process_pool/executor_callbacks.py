"""A done-callback of ``ProcessPoolExecutor`` receives the future itself, not its result.
Added to a future still running, it runs later in the executor's manager thread; added
to a future already done, at once, in the thread that adds it."""

import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor, wait
from gettext import gettext as _


def calculator(x):
    print(_("计算 %s 的立方") % x)
    return x * x * x


def main(ctx=multiprocessing, inputs=(1, 2, 3)):
    calls = []

    def done(future):
        me = threading.current_thread()
        calls.append({"thread": me.name, "class": type(me).__name__, "got": type(future).__name__})
        print(
            _("回调收到 %s（结果 %s），在线程 %s 中")
            % (type(future).__name__, future.result(), me.name)
        )

    with ProcessPoolExecutor(len(inputs), mp_context=ctx) as executor:
        futures = [executor.submit(calculator, x) for x in inputs]
        for future in futures:
            future.add_done_callback(done)  # not done yet: called later, in another thread
        print(_("已为 %d 个 future 登记回调") % len(futures))
        wait(futures, timeout=60)
        futures[0].add_done_callback(done)  # done already: called at once, in this thread
    return {"calls": calls, "main_thread": threading.current_thread().name}


if __name__ == "__main__":
    main()
