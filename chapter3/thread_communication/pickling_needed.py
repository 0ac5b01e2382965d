"""What goes to a process must be pickled. ``Connection.send`` of a lambda fails at once;
``multiprocessing.Queue.put`` returns, and its feeder thread, pickling later, prints the
error and drops the object: ``get`` never sees it."""

import multiprocessing
import queue
from gettext import gettext as _


def main(ctx=multiprocessing, patience=1.0):
    thing = lambda: 42  # noqa: E731 — a lambda cannot be pickled
    a, b = ctx.Pipe()
    try:
        a.send(thing)
        refused = "no error"
    except Exception as e:  # pickle.PicklingError, or AttributeError on some versions
        refused = type(e).__name__
    a.close()
    b.close()
    q = ctx.Queue()
    q.put(thing)  # returns: the feeder thread pickles it later, and fails
    try:
        got = q.get(timeout=patience)
    except queue.Empty:
        got = "queue.Empty"
    q.close()
    q.join_thread()
    print(_("Pipe.send(lambda) 抛出 %s；Queue.put(lambda) 正常返回，get 得到 %s") % (refused, got))
    return {"pipe_send": refused, "queue_get": got}


if __name__ == "__main__":
    main()
