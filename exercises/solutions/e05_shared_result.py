"""Exercise 5, solved: a child's globals are its own copy; each child sends its sum back
on a queue, and the main process adds them up."""

import multiprocessing


def add(numbers, sums):
    sums.put(sum(numbers))


def main():
    chunks = [range(0, 100), range(100, 200), range(200, 300)]
    sums = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=add, args=(c, sums)) for c in chunks]
    for p in procs:
        p.start()
    total = sum(sums.get(timeout=10) for _ in procs)
    for p in procs:
        p.join()
    print("total", total)


if __name__ == "__main__":
    main()
