"""One result thread serves every callback: while one callback works, no other result
is delivered — a second task computed meanwhile is not ``ready()``, its ``get()`` waits."""

import multiprocessing
import time
from gettext import gettext as _


def calculator(x):
    return x * x * x


def main(ctx=multiprocessing, slow=2.0, check=1.0):
    def slow_callback(value):
        print(_("慢回调收到 %s，要忙 %s 秒") % (value, slow))
        time.sleep(slow)  # too much work for a callback

    with ctx.Pool(2) as pool:
        pool.apply_async(calculator, (1,), callback=slow_callback)
        second = pool.apply_async(
            calculator, (2,), callback=lambda v: print(_("快回调收到 %s") % v)
        )
        print(_("第二个任务已交出"))
        out = {"timed_out": False}
        try:
            second.get(timeout=check)
        except multiprocessing.TimeoutError:
            out = {"timed_out": True, "ready": second.ready()}
            print(_("get(%s) 超时，ready()：%s") % (check, out["ready"]))
        out["value"] = second.get(timeout=60)
        print(_("get() 取回 %s") % out["value"])
        pool.close()
        pool.join()  # the workers end by themselves; `with` would terminate() them
    return out


if __name__ == "__main__":
    main()
