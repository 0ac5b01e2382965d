"""A program that multiprocessing did not start attaches to a shared-memory segment by
its name, reads it and exits. On Python 3.11 and 3.12 attaching registers the segment
with that program's own resource tracker, which removes it when the program ends: the
creator's segment is gone from under it (CPython issue gh-82300; attaching has
registered since 3.8). Python 3.13 added ``SharedMemory(name, track=False)`` for this.
"""

import os
import subprocess
import sys
from gettext import gettext as _
from multiprocessing import resource_tracker, shared_memory

READER = """from multiprocessing import shared_memory
segment = shared_memory.SharedMemory(name={name!r})
print(segment.buf[0])
segment.close()"""


def main():
    segment = shared_memory.SharedMemory(create=True, size=4096)
    segment.buf[0] = 42
    there = True
    try:
        read = subprocess.run([sys.executable, "-c", READER.format(name=segment.name)],
                              capture_output=True, text=True, timeout=60)  # fmt: skip
        there = os.path.exists(f"/dev/shm/{segment.name}")
        print(_("另一个程序读到 {value}，退出了；段 {name} 还在吗？{there}").format(
            value=read.stdout.strip(), name=segment.name, there=there))  # fmt: skip
    finally:
        segment.close()
        if there:
            segment.unlink()
        else:  # removed by the other program: tell our tracker to forget it (its private name)
            resource_tracker.unregister(segment._name, "shared_memory")
    return {"read": read.stdout.strip(), "there_after": there, "warned": read.stderr}


if __name__ == "__main__":
    main()
