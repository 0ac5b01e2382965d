"""``get(timeout)`` on a task still running raises ``multiprocessing.TimeoutError`` — not
the built-in ``TimeoutError`` — and the task goes on; ``ready()`` and ``successful()``
ask about it without waiting."""

import multiprocessing
import time
from gettext import gettext as _


def slow_cube(x, work):
    time.sleep(work)  # stands for a long computation
    return x * x * x


def main(ctx=multiprocessing, timeout=1.0, work=2.0):
    out = {"not_ready": None, "error": None}
    with ctx.Pool(1) as pool:
        pending = pool.apply_async(slow_cube, (3, work))
        out["ready_before"] = pending.ready()
        try:
            pending.successful()
        except ValueError as e:  # "not ready": it cannot say yet
            out["not_ready"] = f"ValueError: {e}"
        start = time.monotonic()
        try:
            pending.get(timeout)
        except multiprocessing.TimeoutError as e:
            out["error"] = f"{type(e).__module__}.{type(e).__qualname__}"
        out["waited"] = time.monotonic() - start
        print(_("get(%s) 等了 %.1f 秒，抛出 %s") % (timeout, out["waited"], out["error"]))
        out["value"] = pending.get(timeout=60)  # the task went on: here is its value
        out |= {"ready": pending.ready(), "successful": pending.successful()}
        pool.close()
        pool.join()  # the workers end by themselves; `with` would terminate() them
    return out


if __name__ == "__main__":
    main()
