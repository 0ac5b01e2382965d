"""Exercise 11, solved: apply waits for each result before it hands over the next task;
apply_async hands over all six at once, and get() collects them in order."""

import multiprocessing
import time


def slow_cube(x):
    time.sleep(0.3)
    return x**3


def main():
    with multiprocessing.Pool(3) as pool:
        pending = [pool.apply_async(slow_cube, (x,)) for x in range(6)]
        cubes = [r.get(timeout=10) for r in pending]
    print("cubes", cubes)


if __name__ == "__main__":
    main()
