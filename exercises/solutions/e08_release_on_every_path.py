"""Exercise 8, solved: ``with permit:`` releases the permit when the block ends, also
when a job raises."""

import multiprocessing


def work(permit, jobs):
    for job in jobs:
        with permit:
            print("job", job, "gives", 100 // job)


def main():
    permit = multiprocessing.Semaphore(1)
    p = multiprocessing.Process(target=work, args=(permit, [5, 0, 2]))
    p.start()
    p.join()
    with permit:
        print("main process got the permit")


if __name__ == "__main__":
    main()
