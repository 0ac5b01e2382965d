"""Misusing ``Process`` on purpose: what each misuse raises (``"Type: message"``).

Starting twice, joining before ``start()``, joining oneself (in a child and in the main
process), closing a running process. Run it with ``python -O`` too: the first checks
are ``assert`` statements, which ``-O`` removes.
"""

import multiprocessing
import sys


def nothing():
    pass


def raised(call, *args):
    try:
        call(*args)
    except Exception as e:
        return f"{type(e).__name__}: {e}"
    return "no error"


def join_itself(conn):
    conn.send(raised(multiprocessing.current_process().join, 1))
    conn.poll(60)  # then waits for a word from the main process


def main(ctx=multiprocessing):
    out = {"optimized": bool(sys.flags.optimize)}
    twice = ctx.Process(target=nothing)
    twice.start()
    first = twice.pid
    out["start_twice"] = raised(twice.start)
    out["second_child"] = twice.pid != first  # did the second start() make a process?
    twice.join(timeout=60)
    out["exitcode"] = twice.exitcode
    out["join_before_start"] = raised(ctx.Process(target=nothing).join, 1)
    mine, theirs = ctx.Pipe()
    joiner = ctx.Process(target=join_itself, args=(theirs,))
    joiner.start()
    out["child_joins_itself"] = mine.recv() if mine.poll(60) else "no answer"
    out["close_running"] = raised(joiner.close)  # while it waits: still running
    mine.send("stop")
    joiner.join(timeout=60)
    out["main_joins_itself"] = raised(multiprocessing.current_process().join, 1)
    for what, error in out.items():
        print(f"{what}: {error}")
    return out


if __name__ == "__main__":
    main()
