"""Exercise 3, solved: one argument for the child.

The child should count down from 3. The program stops with an error before any child
starts: fix it.
子进程应当从 3 倒数到 1，可程序还没启动子进程就出错了。改好它。
"""

import multiprocessing


def countdown(n):
    for i in range(n, 0, -1):
        print("countdown", i)


def main():
    p = multiprocessing.Process(target=countdown, args=(3,))  # a one-element tuple needs its comma
    p.start()
    p.join()
    print("exit code", p.exitcode)


if __name__ == "__main__":
    main()
