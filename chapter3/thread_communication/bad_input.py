"""What ``threading``'s locks and semaphores do with calls that make no sense: mostly an
error, and one silent surprise (a plain ``Semaphore`` released once too often)."""

import threading


def error_of(call):
    try:
        call()
    except Exception as e:
        return f"{type(e).__name__}: {e}"
    return "no error"


def main():
    plain = threading.Semaphore(1)
    plain.release()  # no error: a plain Semaphore just gains a permit
    outcomes = {
        "Semaphore(-1)": error_of(lambda: threading.Semaphore(-1)),
        "BoundedSemaphore(1).release()": error_of(threading.BoundedSemaphore(1).release),
        "Semaphore(1).release(); permits": str(sum(plain.acquire(timeout=0) for _i in range(3))),
        "Lock().acquire(timeout=-2)": error_of(lambda: threading.Lock().acquire(timeout=-2)),
        "Lock().acquire(False, 1)": error_of(lambda: threading.Lock().acquire(False, 1)),
    }
    for call, outcome in outcomes.items():
        print(f"{call} → {outcome}")
    return outcomes


if __name__ == "__main__":
    main()
