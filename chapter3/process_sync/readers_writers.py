"""Readers–writers, readers first: readers share the room, a writer has it to itself.

The first reader in locks the writers out and the last one out lets them in — maybe
another process than the one that locked: a ``Lock`` may be released by anyone.
``mutex`` guards the count of readers inside.
"""

import multiprocessing
import time
from gettext import gettext as _


def reader(me, room, mutex, inside, rounds, read):
    for r in range(rounds):
        with mutex:
            inside.value += 1
            if inside.value == 1:  # the first reader in locks the writers out
                room.acquire(timeout=60)
        print(_("读者 %d 在读（第 %d 轮）") % (me, r + 1))
        time.sleep(read)
        with mutex:
            inside.value -= 1
            if inside.value == 0:  # the last reader out lets them in
                room.release()


def writer(me, room, rounds, write):
    for r in range(rounds):
        with room:
            print(_("写者 %d 在写（第 %d 轮）") % (me, r + 1))
            time.sleep(write)


def main(ctx=multiprocessing, readers=3, writers=2, rounds=2, read=0.5, write=0.3):
    room, mutex = ctx.Lock(), ctx.Lock()
    inside = ctx.Value("i", 0, lock=False)  # how many readers are inside; mutex guards it
    procs = [
        ctx.Process(target=reader, args=(i, room, mutex, inside, rounds, read), name=f"reader-{i}")
        for i in range(readers)
    ] + [
        ctx.Process(target=writer, args=(i, room, rounds, write), name=f"writer-{i}")
        for i in range(writers)
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=60)
    return [p.exitcode for p in procs]


if __name__ == "__main__":
    main()
