"""What the operating system says of a waiting process and of computing ones (Linux).

One process waits on an empty queue; two others compute, both pinned to the same CPU, so
that they must take turns on it. The parent asks the OS for their state, again and again
(psutil reads ``/proc``), then how often the OS took the CPU away from each. Linux's ``R``
("running") means running *or* ready: the kernel does not tell the two apart.
"""

import multiprocessing
import os
import time
from gettext import gettext as _

import psutil


def wait_for_item(q):
    q.get(timeout=60)  # the queue is empty: blocked until an item comes


def compute(stop, cpu):
    os.sched_setaffinity(0, {cpu})  # from now on this process runs on that CPU only
    while not stop.value:  # a plain shared byte: reading it never waits
        sum(range(10_000))  # computing, never waiting for anything


def main(ctx=multiprocessing, samples=50, settle=0.5, cpu=0):
    q, stop = ctx.Queue(), ctx.RawValue("b", 0)  # not an Event: its is_set() takes a lock
    procs = [ctx.Process(target=wait_for_item, args=(q,), name="waiter")]
    procs += [ctx.Process(target=compute, args=(stop, cpu), name=f"busy-{i}") for i in (1, 2)]
    for p in procs:
        p.start()
    time.sleep(settle)  # time for each to get going
    states = {p.name: [] for p in procs}
    for _i in range(samples):
        for p in procs:
            states[p.name].append(psutil.Process(p.pid).status())
        time.sleep(0.005)
    switches = {p.name: psutil.Process(p.pid).num_ctx_switches().involuntary for p in procs}
    q.put("item")
    stop.value = 1
    for p in procs:
        p.join(timeout=60)
        print(_("%s：状态 %s，被强行换下 %d 次") % (p.name, set(states[p.name]), switches[p.name]))
    return {"states": states, "involuntary_switches": switches}


if __name__ == "__main__":
    main()
