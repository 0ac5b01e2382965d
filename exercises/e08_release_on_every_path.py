"""Exercise 8 · 练习 8: give the permit back, whatever happens.

The worker does three jobs, each while it holds the permit; the one for 0 (100 // 0) fails.
Then the main process asks for the permit and never gets it. Change only ``work`` so
that the permit is given back on every path. (That job may still fail: that is the point.)
工作进程做三件事，每件都在持有许可时做；其中参数为 0 的那件（100 // 0）会出错。
之后主进程申请许可，却永远等不到。只改 work，让许可在任何情况下都会归还。
（那件照样可以出错：要练的正是这种情况。）
"""

import multiprocessing


def work(permit, jobs):
    for job in jobs:
        permit.acquire()
        print("job", job, "gives", 100 // job)
        permit.release()


def main():
    permit = multiprocessing.Semaphore(1)
    p = multiprocessing.Process(target=work, args=(permit, [5, 0, 2]))
    p.start()
    p.join()
    with permit:
        print("main process got the permit")


if __name__ == "__main__":
    main()
