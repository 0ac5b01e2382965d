"""Exercise 2 · 练习 2: the guard that spawn needs.

Under fork this program works. Under spawn and forkserver (the default on Windows and
macOS, and on Linux since Python 3.14) it fails. Make it work under every start method.
用 fork 启动时这个程序没问题；换成 spawn 或 forkserver（Windows、macOS 的默认方式，
Python 3.14 起也是 Linux 的默认方式）就出错。改好它，让它在每种启动方式下都能运行。
"""

import multiprocessing


def greet(n):
    print("child", n, "ready")


procs = [multiprocessing.Process(target=greet, args=(n,)) for n in range(3)]
for p in procs:
    p.start()
for p in procs:
    p.join()
print("all", len(procs), "children done")
