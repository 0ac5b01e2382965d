"""One release too many: a Semaphore takes it silently, a BoundedSemaphore refuses it.

And a negative count, which no semaphore accepts. (``get_value()`` is not available
on macOS.)
"""

import multiprocessing
import threading
from gettext import gettext as _


def main(ctx=multiprocessing):
    sem = ctx.Semaphore(2)
    sem.release()  # nobody acquired it: one release too many, and no error
    print(_("Semaphore(2) 多释放一次以后，计数是 %d") % sem.get_value())
    errors = {}
    for name, call in [
        ("BoundedSemaphore(2).release()", ctx.BoundedSemaphore(2).release),
        ("multiprocessing Semaphore(-1)", lambda: ctx.Semaphore(-1)),
        ("threading.Semaphore(-1)", lambda: threading.Semaphore(-1)),
    ]:
        try:
            call()
        except (ValueError, OSError) as e:
            errors[name] = f"{type(e).__name__}: {e}"
            print(_("%s 报错 %s") % (name, errors[name]))
    return {"count": sem.get_value(), **errors}


if __name__ == "__main__":
    main()
