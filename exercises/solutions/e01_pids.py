"""Exercise 1 · 练习 1 — predict, then run.

Two threads and two processes each print the PID of the process they run in, and so
does the main process. How many different PIDs will the program print? Write your answer
in PREDICTION before you run the check.
两个线程、两个进程和主进程各自打印自己所在进程的 PID。程序一共会打印出几个不同的 PID？
先把你的答案写进 PREDICTION，再运行检查。
"""

import multiprocessing
import os
import threading

PREDICTION = 3  # the main process and its two threads share one PID; each child has its own


def report(who):
    print(who, os.getpid())


def main():
    workers = [threading.Thread(target=report, args=(f"thread-{i}",)) for i in range(2)]
    workers += [multiprocessing.Process(target=report, args=(f"process-{i}",)) for i in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    report("main")


if __name__ == "__main__":
    main()
