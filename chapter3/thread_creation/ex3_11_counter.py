"""Example 3-11: a thread adds up 0, 1, ..., n while the main thread waits in ``join()``.

``Thread`` throws away what its target returns (``join()`` returns ``None``), so the
thread leaves its sum in a list it shares with the main thread: threads share memory.
"""

import threading


def counter(n, sums):
    total = 0
    for i in range(n + 1):
        total += i
    print(total)
    sums.append(total)  # an ordinary list: the main thread sees it too
    return total  # lost: nothing receives a thread's return value


def main(n=100):
    sums = []
    th = threading.Thread(target=counter, args=(n, sums), name="counter")
    th.start()
    returned = th.join(timeout=60)  # the main thread waits here for the counter
    return {"sum": sums[0] if sums else None, "join_returned": returned}


if __name__ == "__main__":
    main()
