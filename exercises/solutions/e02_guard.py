"""Exercise 2, solved: a spawned child imports this file again, as a module; the guard
keeps that import from starting processes of its own."""

import multiprocessing


def greet(n):
    print("child", n, "ready")


def main():
    procs = [multiprocessing.Process(target=greet, args=(n,)) for n in range(3)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    print("all", len(procs), "children done")


if __name__ == "__main__":
    main()
