"""Exercise 15 · 练习 15, solved: the creator closes and unlinks its segment, in a
``finally`` so that it does so even if the child or the sum fails."""

import multiprocessing
from multiprocessing import shared_memory

import numpy as np


def fill(name, n):
    segment = shared_memory.SharedMemory(name=name)
    squares = np.ndarray((n,), dtype=np.int64, buffer=segment.buf)
    squares[:] = np.arange(n) ** 2
    del squares  # the view goes before the segment is closed
    segment.close()


def main(n=1000):
    segment = shared_memory.SharedMemory(create=True, size=n * 8)
    try:
        child = multiprocessing.Process(target=fill, args=(segment.name, n))
        child.start()
        child.join(timeout=60)
        squares = np.ndarray((n,), dtype=np.int64, buffer=segment.buf)
        print("sum", int(squares.sum()))
        del squares  # before close(): left alive, it would point at unmapped memory
    finally:
        segment.close()
        segment.unlink()  # the creator removes it: /dev/shm is left as it was


if __name__ == "__main__":
    main()
