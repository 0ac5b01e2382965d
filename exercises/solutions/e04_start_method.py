"""Exercise 4 · 练习 4 — predict, then run.

The main process changes a global variable, then starts a child that prints it. Which
value does the child see under each start method: the one the module gives it
("module") or the main process's change ("main")? Fill in PREDICTION, then check; the
check runs the program under each start method.
主进程先修改一个全局变量，再启动一个打印它的子进程。在每种启动方式下，子进程看到的
是模块里写的初值（"module"）还是主进程改过的值（"main"）？先填好 PREDICTION 再检查；
检查会在每种启动方式下运行程序。
"""

import multiprocessing

# fork copies the parent as it is; spawn and forkserver import the module afresh
PREDICTION = {"fork": "main", "spawn": "module", "forkserver": "module"}

setting = "module"


def show():
    print("child sees", setting)


def main():
    global setting
    setting = "main"
    p = multiprocessing.Process(target=show)
    p.start()
    p.join()


if __name__ == "__main__":
    main()
