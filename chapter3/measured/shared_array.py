"""A big NumPy array for a child process, two ways. Through a ``Queue`` it is pickled,
written through a pipe and unpickled: the child works on a copy. In shared memory
(``multiprocessing.shared_memory``) the child maps the same pages by the segment's name
(a ``SharedMemory`` object is pickled as its name): nothing is copied, and what the
child writes, the parent sees.
"""

import multiprocessing.shared_memory
import time
from gettext import gettext as _

import numpy as np


def double_first(inbox, outbox):
    outbox.put("ready")  # started (under spawn: numpy imported) before the clock starts
    got = inbox.get(timeout=60)  # the array itself, or the segment that holds it
    shared = isinstance(got, multiprocessing.shared_memory.SharedMemory)
    array = np.ndarray(got.size // 8, buffer=got.buf) if shared else got
    array[0] *= 2
    outbox.put(float(array[0]))
    del array  # first: a view left alive would point at unmapped memory
    if shared:
        got.close()


def handed_over(ctx, item):  # seconds until a waiting child has doubled it, and what it saw
    inbox, outbox = ctx.Queue(), ctx.Queue()
    child = ctx.Process(target=double_first, args=(inbox, outbox))
    child.start()
    outbox.get(timeout=60)
    start = time.perf_counter()
    inbox.put(item)
    saw, seconds = outbox.get(timeout=60), time.perf_counter() - start  # in this order
    child.join(timeout=60)
    return seconds, saw


def main(megabytes=100, ctx=multiprocessing):
    block = multiprocessing.shared_memory.SharedMemory(create=True, size=megabytes * 2**20)
    try:
        np.ndarray(block.size // 8, buffer=block.buf)[:] = 1.0  # made there: no copy later
        private = np.ones(block.size // 8)
        queued, mapped = handed_over(ctx, private), handed_over(ctx, block)  # (seconds, saw)
        seen = float(private[0]), float(np.ndarray(1, buffer=block.buf)[0])
    finally:
        block.close()  # the views above were temporary: none is left
        block.unlink()  # the creator removes the segment from /dev/shm
    print(_("{mb} MiB 经 Queue：{q:.3f} s，在共享内存里：{m:.4f} s；父进程看到 {a} 和 {b}").format(
        mb=megabytes, q=queued[0], m=mapped[0], a=seen[0], b=seen[1]))  # fmt: skip
    return {"queue": queued[0], "shared_memory": mapped[0], "parent_sees": seen,
            "child_saw": (queued[1], mapped[1])}  # fmt: skip


if __name__ == "__main__":
    main()
