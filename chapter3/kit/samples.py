"""Small plain programs the kit's own tests observe (not listings of the chapter)."""

import multiprocessing
import queue
import threading
import time
from threading import Thread


def _hold(i, lock, seconds):
    with lock:
        print("in", i)
        time.sleep(seconds)


def holders(ctx=multiprocessing, workers=3, permits=1, seconds=0.01):
    """Processes that each hold a semaphore of ``permits`` for a moment."""
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


def pool(ctx=multiprocessing):
    """A pool's tasks and callbacks."""
    seen = []
    with ctx.Pool(2) as p:
        p.apply_async(_cube, (2,), callback=seen.append).get(30)
        p.map_async(_cube, [1, 2, 3], callback=seen.append).get(30)
    return seen


def _send(conn, q):
    conn.send("ping")
    q.put([1, "two"])


def messages(ctx=multiprocessing):
    """A pipe and a queue crossing a process boundary."""
    a, b = ctx.Pipe()
    q = ctx.Queue()
    p = ctx.Process(target=_send, args=(a, q))
    p.start()
    got = (b.recv(), q.get(timeout=30))
    p.join(30)
    return got


def stuck(ctx=multiprocessing, patience=0.1):
    """Waits on an event nobody sets, for ``patience`` seconds."""
    return ctx.Event().wait(patience)


def _say(i, lines):
    for k in range(lines):
        print("line", i, k)


def chatter(ctx=multiprocessing, workers=3, lines=2):
    """Processes named ``talker-<i>`` that each print ``lines`` lines."""
    procs = [ctx.Process(target=_say, args=(i, lines), name=f"talker-{i}") for i in range(workers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(30)
    return [p.exitcode for p in procs]


def _meet(i, everyone):
    everyone.wait(30)
    print("here", i)


def crowd(ctx=multiprocessing, workers=6):
    """Processes that meet at a barrier, then all print at once."""
    everyone = ctx.Barrier(workers)
    procs = [ctx.Process(target=_meet, args=(i, everyone)) for i in range(workers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(30)
    return [p.exitcode for p in procs]


def _nap(seconds, q):
    q.put("up")
    time.sleep(seconds)


def leaves(ctx=multiprocessing, seconds=0.1):
    """Starts a child that naps ``seconds`` and returns without joining it."""
    q = ctx.Queue()
    ctx.Process(target=_nap, args=(seconds, q), name="napper").start()
    return q.get(timeout=30)


def empty_get(ctx=multiprocessing, patience=0.01):
    """A get on a queue nobody puts into, for ``patience`` seconds."""
    try:
        return ctx.Queue().get(timeout=patience)
    except queue.Empty:
        return "empty"


def _drain(q, items):
    for _ in range(items):
        q.get(timeout=30)
        q.task_done()


def handoff(items=3):
    """A ``queue.Queue`` of one place between the main thread and a thread that drains it."""
    q = queue.Queue(1)
    t = Thread(target=_drain, args=(q, items))
    t.start()
    for i in range(items):
        q.put(i, timeout=30)
    q.join()  # every item got and done
    t.join(30)
    return q.qsize()


def _fail():
    raise ValueError("from a thread")


def thread_raises():
    """A thread whose target raises: the exception ends the thread, not the program."""
    t = Thread(target=_fail, name="failing")
    t.start()
    t.join(30)
    return t.is_alive()


def _late(go, seconds):
    go.wait(30)
    time.sleep(seconds)
    print("late")


def leaves_threads(stop, seconds=0.05):
    """Returns while a non-daemon thread has work left and a daemon thread waits for
    ``stop``."""
    go = threading.Event()
    Thread(target=_late, args=(go, seconds), name="late").start()
    Thread(target=stop.wait, args=(30,), name="sleepy", daemon=True).start()
    go.set()
    return "returned"


def bad_args(ctx=multiprocessing):
    """A pool task given ``args=3`` (no tuple): the error its ``get()`` raises."""
    with ctx.Pool(1) as p:
        try:
            p.apply_async(_cube, 3).get(30)
        except TypeError as e:
            return str(e)
