"""What moving an array to another process costs, by size and by way: the numbers and
the plot behind §3.6's second half.

Run ``uv run python -m benchmarks.moving_data`` on a quiet machine. For each start method
and each size from 1 KiB to 256 MiB, an ordinary NumPy array in the parent reaches a
child that is already running and waiting, which sums it and answers; timed from the
hand-over to the answer. Five ways: ``Queue`` and ``Pipe`` (pickled and copied),
``Array`` (made before the child starts; the parent copies the data in), a
``shared_memory.SharedMemory`` segment and one from a ``SharedMemoryManager`` (made,
filled with one copy, then handed to the child, which pickles as its name). The child
waits on the way itself (the pipe's end, or the queue), and answers through a queue. It writes
``docs/benchmarks/moving-data.md`` and ``.json``. ``--quick``: small sizes, to check it runs.
"""

from __future__ import annotations

import multiprocessing
import statistics
import time
from multiprocessing import shared_memory
from multiprocessing.managers import SharedMemoryManager

import numpy as np

from benchmarks import record

WAYS = ("Queue", "Pipe", "Array", "SharedMemory", "SharedMemoryManager")
HEADER = ("启动方式 start method", "大小 size", *WAYS)


def reader(way, inbox, outbox, conn, array):
    """The child: receive each array the way it comes, sum it, say the sum."""
    outbox.put("ready")
    receive = conn.recv if way == "Pipe" else lambda: inbox.get(timeout=600)
    while (got := receive()) is not None:
        if way in ("Queue", "Pipe"):
            outbox.put(float(got.sum()))
        elif way == "Array":
            outbox.put(float(np.frombuffer(array, dtype=np.uint8, count=got).sum()))
        else:  # a segment, pickled as its name
            outbox.put(float(np.ndarray((got.size,), np.uint8, got.buf).sum()))
            got.close()


def handed(way, data, inbox, here, array, manager):
    """Hand ``data`` over ``way``; the segment made for it, if any."""
    size, segment = data.size, None
    if way == "Queue":
        inbox.put(data)
    elif way == "Pipe":
        here.send(data)
    elif way == "Array":
        np.frombuffer(array, dtype=np.uint8, count=size)[:] = data
        inbox.put(size)
    else:
        segment = (manager.SharedMemory(size) if way == "SharedMemoryManager"
                   else shared_memory.SharedMemory(create=True, size=size))  # fmt: skip
        np.ndarray((size,), np.uint8, segment.buf)[:] = data
        inbox.put(segment)
    return segment


def one_way(ctx, way: str, sizes: list[int], repeat: int) -> dict[int, float]:
    """Median seconds per size for ``way``, one child serving every size."""
    inbox, outbox = ctx.Queue(), ctx.Queue()
    here, there = ctx.Pipe()
    array = ctx.Array("B", max(sizes), lock=False) if way == "Array" else None
    child = ctx.Process(target=reader, args=(way, inbox, outbox, there, array))
    child.start()
    outbox.get(timeout=120)
    seconds = {}
    for size in sizes:
        data, runs = np.ones(size, dtype=np.uint8), []
        with SharedMemoryManager(ctx=ctx) as manager:  # one per size: its segments go with it
            for _ in range(repeat):
                start = time.perf_counter()
                segment = handed(way, data, inbox, here, array, manager)
                assert outbox.get(timeout=600) == size
                runs.append(time.perf_counter() - start)
                if segment is not None:
                    segment.close()
                    if way == "SharedMemory":
                        segment.unlink()
        seconds[size] = statistics.median(runs)
    (here.send if way == "Pipe" else inbox.put)(None)
    child.join(timeout=120)
    return seconds


def label(size: int) -> str:
    return f"{size // 2**20} MiB" if size >= 2**20 else f"{size // 2**10} KiB"


NOTES = (
    "每格：从把一个普通的 NumPy 数组（uint8）交出去，到已在等待的子进程求和并回答为止的时间，"
    "取中位数。Array 在子进程启动前建好（它只能在启动时传给子进程），计时只含把数据复制进去；"
    "两种共享内存段都计入建段、一次复制和子进程按名字打开它。  \n"
    "Each cell: median time from handing an ordinary NumPy array (uint8) over until the "
    "waiting child has summed it and answered. The Array is made before the child starts (it "
    "can only be passed at start): timed is the copy into it. Both kinds of segment count "
    "making the segment, one copy in, and the child attaching to it by name."
)


def main(argv: list[str] | None = None) -> None:
    quick, out = record.arguments("moving_data", "moving-data.md", argv)
    info = record.machine()
    sizes = [2**k for k in range(10, 29, 2)]  # 1 KiB ... 256 MiB
    sizes, methods = (sizes[:4], multiprocessing.get_all_start_methods()[:1]) if quick else (
        sizes, multiprocessing.get_all_start_methods())  # fmt: skip
    data, rows = {}, []
    for method in methods:
        ctx = multiprocessing.get_context(method)
        data[method] = {way: one_way(ctx, way, sizes, 1 if quick else 3) for way in WAYS}
        for size in sizes:
            rows.append((method, label(size), *(record.ms(data[method][w][size]) for w in WAYS)))
    text = record.markdown("moving_data", info, record.table(HEADER, rows), NOTES, quick)
    record.write(out, text, info, HEADER, rows, {"sizes": sizes, "seconds": data})


if __name__ == "__main__":
    main()
