"""Exercise 11 · 练习 11: let the pool work in parallel.

The pool has three workers, yet the six cubes take six times as long as one: only one
worker is ever busy. Make the workers compute at the same time, with the cubes still
printed in order.
进程池有三个工作进程，六个立方却要算六倍于一个的时间：始终只有一个工作进程在忙。让它们同时计算，
立方仍按顺序打印。
"""

import multiprocessing
import time


def slow_cube(x):
    time.sleep(0.3)
    return x**3


def main():
    with multiprocessing.Pool(3) as pool:
        cubes = [pool.apply(slow_cube, (x,)) for x in range(6)]
    print("cubes", cubes)


if __name__ == "__main__":
    main()
