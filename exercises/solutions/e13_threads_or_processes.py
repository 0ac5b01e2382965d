"""Exercise 13, solved: the GIL lets one thread at a time run Python code, so CPU-bound
pure Python needs processes to use both CPUs."""

from concurrent.futures import ProcessPoolExecutor

LIMITS = [160_000, 160_000, 160_000, 160_000]


def count_primes(limit):
    return sum(all(n % d for d in range(2, int(n**0.5) + 1)) for n in range(2, limit))


def serial():
    return [count_primes(limit) for limit in LIMITS]


def main():
    with ProcessPoolExecutor(max_workers=2) as pool:
        counts = list(pool.map(count_primes, LIMITS))
    print("primes", counts)


if __name__ == "__main__":
    main()
