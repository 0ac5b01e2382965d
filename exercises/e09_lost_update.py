"""Exercise 9 · 练习 9: the lost deposits.

Four processes each deposit 1 yuan 150 times into one shared account. The balance
should end at 600; it ends lower. Make every deposit count.
四个进程各向同一个共享账户存 150 次、每次 1 元，余额应当是 600，结果却少了。让每一笔存款都算数。
"""

import multiprocessing
import time


def deposit(account, times):
    for _ in range(times):
        balance = account.value
        time.sleep(0.002)  # the bank's slow computer
        account.value = balance + 1


def main(workers=4, times=150):
    account = multiprocessing.Value("i", 0)
    procs = [multiprocessing.Process(target=deposit, args=(account, times)) for _ in range(workers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    print("balance", account.value, "expected", workers * times)


if __name__ == "__main__":
    main()
