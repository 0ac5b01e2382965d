"""Exercise 10, solved: once both bakers have finished, the main process puts a sentinel
(None) on the counter; the customer stops when it takes it."""

import multiprocessing


def bake(baker, counter, count):
    for i in range(count):
        counter.put(f"{baker}-{i}")


def eat(counter):
    while (bun := counter.get(timeout=10)) is not None:
        print("ate", bun)


def main(count=3):
    counter = multiprocessing.Queue()
    bakers = [multiprocessing.Process(target=bake, args=(b, counter, count)) for b in "AB"]
    customer = multiprocessing.Process(target=eat, args=(counter,))
    for p in [*bakers, customer]:
        p.start()
    for p in bakers:
        p.join()
    counter.put(None)  # no more buns
    customer.join()
    print("the bakery closed")


if __name__ == "__main__":
    main()
