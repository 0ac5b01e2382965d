"""``args=(100)`` is the int 100 in parentheses, not a tuple: a Thread and a Process given it.

``Thread`` does not check ``args``: the ``TypeError`` comes up in the new thread when it
calls its target, and goes to ``threading.excepthook`` (by default: printed to standard
error). ``Process`` makes ``args`` a tuple in its constructor.
"""

import multiprocessing
import threading
from gettext import gettext as _


def count_to(n):
    return sum(range(n + 1))


def main(ctx=multiprocessing):
    worker = threading.Thread(target=count_to, args=(100), name="no-comma")  # (100,) is a tuple
    worker.start()
    worker.join(timeout=60)
    print(_("主线程：start() 和 join() 都正常返回"))
    try:
        ctx.Process(target=count_to, args=(100))
        process = "no error"
    except TypeError as e:
        process = f"TypeError: {e}"
    print(_("Process(..., args=(100)) 抛出 %s") % process)
    return {"thread_alive": worker.is_alive(), "process": process}


if __name__ == "__main__":
    main()
