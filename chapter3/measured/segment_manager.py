"""``SharedMemoryManager`` ties shared-memory segments to a ``with`` block: each segment
is created in the calling process and its name registered with the manager's server
process, which removes every one of them when the block ends.
A child attaches to a segment by its name and writes into it; the parent reads it.
"""

import multiprocessing
import os
from gettext import gettext as _
from multiprocessing import shared_memory
from multiprocessing.managers import SharedMemoryManager


def fill(name, value):
    segment = shared_memory.SharedMemory(name=name)
    segment.buf[0] = value
    segment.close()


def main(ctx=multiprocessing):
    with SharedMemoryManager(ctx=ctx) as manager:
        segment = manager.SharedMemory(size=4096)
        child = ctx.Process(target=fill, args=(segment.name, 42))
        child.start()
        child.join(timeout=60)
        name, seen = segment.name, segment.buf[0]
        inside = os.path.exists(f"/dev/shm/{name}")
        segment.close()  # this process's mapping; the manager unlinks the segment
    after = os.path.exists(f"/dev/shm/{name}")
    print(_("子进程写入，父进程读到 {seen}；with 块里段还在：{inside}；块结束后：{after}")
          .format(seen=seen, inside=inside, after=after))  # fmt: skip
    return {"name": name, "seen": seen, "inside": inside, "after": after}


if __name__ == "__main__":
    main()
