"""Exercise 13 · 练习 13: threads or processes?

``count_primes`` is pure Python and keeps a CPU busy. The program counts the primes
below four limits with two threads, yet takes as long as ``serial()``, which uses one.
Make ``main`` at least 1.1 times as fast as one CPU doing the same work (the check
times ``main``, counts the CPUs it keeps busy and measures ``serial()``'s CPU time), on a
machine with two free CPUs.
count_primes 是纯 Python 代码，一直占着 CPU。程序用两个线程数四个范围内的素数，
花的时间却和只用一个线程的 serial() 一样多。在有两个空闲 CPU 的机器上，让 main 的用时
不超过一个 CPU 做同样计算所需时间的 1/1.1（检查测量 main 的用时、它平均让几个 CPU 忙着，
以及 serial() 的 CPU 时间）。
"""

from concurrent.futures import ThreadPoolExecutor

LIMITS = [160_000, 160_000, 160_000, 160_000]


def count_primes(limit):
    return sum(all(n % d for d in range(2, int(n**0.5) + 1)) for n in range(2, limit))


def serial():
    return [count_primes(limit) for limit in LIMITS]


def main():
    with ThreadPoolExecutor(max_workers=2) as pool:
        counts = list(pool.map(count_primes, LIMITS))
    print("primes", counts)


if __name__ == "__main__":
    main()
