"""Exercise 14 · 练习 14: threads lose deposits too.

Four threads each deposit 1 yuan 100 times into the global ``balance``. The balance
should end at 400; it ends lower, although threads share their globals. Make every
deposit count.
四个线程各向全局变量 balance 存 100 次、每次 1 元，余额应当是 400——线程共享全局变量，
结果却少了。让每一笔存款都算数。
"""

import threading
import time

balance = 0


def deposit(times):
    global balance
    for _ in range(times):
        seen = balance
        time.sleep(0.0005)  # the bank's slow computer
        balance = seen + 1


def main(workers=4, times=100):
    threads = [threading.Thread(target=deposit, args=(times,)) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print("balance", balance, "expected", workers * times)


if __name__ == "__main__":
    main()
