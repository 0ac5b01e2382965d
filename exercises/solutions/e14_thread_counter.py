"""Exercise 14, solved: sharing memory is not the same as taking turns; a Lock makes the
read and the write of the balance one step."""

import threading
import time

balance = 0
lock = threading.Lock()


def deposit(times):
    global balance
    for _ in range(times):
        with lock:
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
