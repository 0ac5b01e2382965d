"""Why Example 3-8 takes a lock: each process writes its line to one file, in pieces.

A process writes its line in three pieces, with a pause after each. With the lock, one
line is written whole before the next begins; without it (``use_lock=False``), the
pieces of the lines mix. The main process prints the file.
"""

import contextlib
import multiprocessing
import os
import tempfile
import time
from gettext import gettext as _


def pieces(i):
    """Process ``i``'s line, in the pieces it writes one at a time."""
    return [_("%s 说:") % i, " Hello", " Python ...\n"]


def write_line(path, lock, i, pause):
    with lock or contextlib.nullcontext():  # no lock: nothing keeps the others out
        for piece in pieces(i):
            with open(path, "a", encoding="utf-8") as f:
                f.write(piece)
            time.sleep(pause)  # writing slowly: time for others to come in


def main(ctx=multiprocessing, workers=5, pause=0.5, use_lock=True):
    lock = ctx.Lock() if use_lock else None
    fd, path = tempfile.mkstemp(suffix=".txt")
    os.close(fd)
    procs = [ctx.Process(target=write_line, args=(path, lock, i, pause)) for i in range(workers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=60)
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    os.remove(path)
    for line in lines:
        print(line)
    return lines


if __name__ == "__main__":
    main()
