"""Exercise 5 · 练习 5: bring the children's sums home.

Three children each add up one chunk of 0…299 into the global ``total``; the main
process then prints it. It prints 0, not 44850: make it print the right total.
三个子进程各把 0…299 中的一段加进全局变量 total，主进程再打印它。打印出来的是 0 而不是
44850：让它打印出正确的总和。
"""

import multiprocessing

total = 0


def add(numbers):
    global total
    total += sum(numbers)


def main():
    chunks = [range(0, 100), range(100, 200), range(200, 300)]
    procs = [multiprocessing.Process(target=add, args=(c,)) for c in chunks]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    print("total", total)


if __name__ == "__main__":
    main()
