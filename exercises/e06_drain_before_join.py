"""Exercise 6 · 练习 6: take the results before you join.

Each worker squares its numbers and puts the whole list of results on the queue. The
main process waits for the workers, then takes their results. It never ends: fix it.
每个工作进程把算好的整张结果表放进队列；主进程先等工作进程结束，再取结果——程序永远结束不了。改好它。
"""

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
    for p in procs:
        p.join()
    total = sum(sum(results.get(timeout=10)) for _ in procs)
    print("total", total)


if __name__ == "__main__":
    main()
