"""What ``queue.Queue`` does with calls that make no sense: a negative timeout is refused
only where the call could wait; a size of 0 or less means no limit at all."""

import queue


def full_after_3_puts(maxsize):
    q = queue.Queue(maxsize)
    for i in range(3):
        q.put(i, timeout=60)
    return q.full()


def main():
    calls = {
        "Queue().get(timeout=-1)": lambda: queue.Queue().get(timeout=-1),
        "Queue(1).put(x, timeout=-1)": lambda: queue.Queue(1).put(0, timeout=-1),
        "Queue().put(x, timeout=-1)": lambda: queue.Queue().put(0, timeout=-1),
        "Queue(0).full() after 3 puts": lambda: full_after_3_puts(0),
        "Queue(-1).full() after 3 puts": lambda: full_after_3_puts(-1),
        "Queue().task_done()": lambda: queue.Queue().task_done(),
    }
    outcomes = {}
    for call, run in calls.items():
        try:
            outcomes[call] = f"returned {run()!r}"
        except Exception as e:
            outcomes[call] = f"{type(e).__name__}: {e}"
        print(f"{call} → {outcomes[call]}")
    return outcomes


if __name__ == "__main__":
    main()
