"""Exercise 12, solved: a task's function reaches the workers by name (pickle); a
function defined at the module's top level has one, a lambda has not."""

import multiprocessing


def square(x):
    return x * x


def main():
    with multiprocessing.Pool(2) as pool:
        squares = pool.map(square, range(10))
    print("squares", squares)


if __name__ == "__main__":
    main()
