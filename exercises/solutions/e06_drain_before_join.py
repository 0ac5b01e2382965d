"""Exercise 6, solved: a child that put data on a queue ends only once the data has
gone into the pipe, so the main process takes the results first, then joins."""

import multiprocessing


def work(start, results):
    results.put([n * n for n in range(start, start + 50_000)])


def main(workers=2):
    results = multiprocessing.Queue()
    procs = [
        multiprocessing.Process(target=work, args=(i * 50_000, results)) for i in range(workers)
    ]
    for p in procs:
        p.start()
    total = sum(sum(results.get(timeout=10)) for _ in procs)
    for p in procs:
        p.join()
    print("total", total)


if __name__ == "__main__":
    main()
