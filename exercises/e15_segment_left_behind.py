"""Exercise 15 · 练习 15: the segment left behind.

A child writes the squares of 0 … n-1 into an array in shared memory; the parent sums
them. The sum is right, yet when the program ends Python warns of "leaked
shared_memory objects": the segment outlived the program's work. Make the program clean
up after itself, so that nothing is left for the resource tracker to remove.
子进程把 0 … n-1 的平方写进共享内存里的数组，父进程求和。和是对的，可程序结束时 Python
警告有 “leaked shared_memory objects”：共享内存段在程序做完事以后还留着。让程序自己收拾干净，
不给资源跟踪器留下要删的东西。
"""

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
    child = multiprocessing.Process(target=fill, args=(segment.name, n))
    child.start()
    child.join(timeout=60)
    squares = np.ndarray((n,), dtype=np.int64, buffer=segment.buf)
    print("sum", int(squares.sum()))


if __name__ == "__main__":
    main()
