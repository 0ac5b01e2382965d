"""Exercise 12 · 练习 12: a function the workers can find.

The pool should square 0…9. It fails before any worker squares anything: fix it.
进程池应当算出 0…9 的平方，可还没有哪个工作进程算过一个数就出错了。改好它。
"""

import multiprocessing


def main():
    with multiprocessing.Pool(2) as pool:
        squares = pool.map(lambda x: x * x, range(10))
    print("squares", squares)


if __name__ == "__main__":
    main()
