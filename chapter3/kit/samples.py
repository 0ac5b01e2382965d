"""Small plain programs the kit's own tests observe (not listings of the chapter)."""

import multiprocessing
import threading
import time
from threading import Thread


def _hold(i, lock, seconds):
    with lock:
        print("in", i)
        time.sleep(seconds)


def holders(ctx=None, workers=3, permits=1, seconds=0.01):
    """Processes that each hold a semaphore of ``permits`` for a moment."""
    ctx = ctx or multiprocessing.get_context()
    sem = ctx.Semaphore(permits)
    procs = [ctx.Process(target=_hold, args=(i, sem, seconds)) for i in range(workers)]
    for p in procs:
        p.start()
    print("started")
    for p in procs:
        p.join(30)
    return [p.exitcode for p in procs]


def threads(workers=2):
    """Threads that take a lock named the usual ways: ``threading.Lock`` and ``Thread``."""
    lock = threading.Lock()
    ts = [Thread(target=_hold, args=(i, lock, 0.001)) for i in range(workers)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(30)
    return [t.is_alive() for t in ts]


def _cube(x):
    return x**3


def pool(ctx=None):
    """A pool's tasks and callbacks."""
    ctx = ctx or multiprocessing.get_context()
    seen = []
    with ctx.Pool(2) as p:
        p.apply_async(_cube, (2,), callback=seen.append).get(30)
        p.map_async(_cube, [1, 2, 3], callback=seen.append).get(30)
    return seen


def _send(conn, q):
    conn.send("ping")
    q.put([1, "two"])


def messages(ctx=None):
    """A pipe and a queue crossing a process boundary."""
    ctx = ctx or multiprocessing.get_context()
    a, b = ctx.Pipe()
    q = ctx.Queue()
    p = ctx.Process(target=_send, args=(a, q))
    p.start()
    got = (b.recv(), q.get(timeout=30))
    p.join(30)
    return got


def stuck(ctx=None, patience=0.1):
    """Waits on an event nobody sets, for ``patience`` seconds."""
    ctx = ctx or multiprocessing.get_context()
    return ctx.Event().wait(patience)
