"""What ``queue.Queue`` does with calls that make no sense: a negative timeout is refused
only where the call could wait; a size of 0 or less means no limit at all."""

import queue


def error_of(call):
    try:
        call()
    except Exception as e:
        return f"{type(e).__name__}: {e}"
    return "no error"


def full_after_3_puts(maxsize):
    q = queue.Queue(maxsize)
    for i in range(3):
        q.put(i, timeout=60)
    return str(q.full())


def main():
    outcomes = {
        "Queue().get(timeout=-1)": error_of(lambda: queue.Queue().get(timeout=-1)),
        "Queue(1).put(x, timeout=-1)": error_of(lambda: queue.Queue(1).put(0, timeout=-1)),
        "Queue().put(x, timeout=-1)": error_of(lambda: queue.Queue().put(0, timeout=-1)),
        "Queue(0).full() after 3 puts": full_after_3_puts(0),
        "Queue(-1).full() after 3 puts": full_after_3_puts(-1),
        "Queue().task_done()": error_of(queue.Queue().task_done),
    }
    for call, outcome in outcomes.items():
        print(f"{call} → {outcome}")
    return outcomes


if __name__ == "__main__":
    main()
