"""Exercise 9, solved: reading and writing the balance is one step that only one process
at a time may take: the Value's own lock makes it so."""

import multiprocessing
import time


def deposit(account, times):
    for _ in range(times):
        with account.get_lock():
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
