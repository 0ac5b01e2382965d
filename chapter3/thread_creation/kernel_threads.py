"""What the Linux kernel knows of each thread (reads ``/proc``: Linux only).

One thread pins itself to the last CPU this process may use and computes; another
sleeps on an Event. Then the main thread reads, for each thread, the kernel's record in
``/proc/self/task/<tid>/stat``: a task id, a state, a CPU clock and a CPU affinity.
"""

import os
import threading
import time
from gettext import gettext as _


def kernel_record(tid):
    """State, CPU ticks (user + system) and last CPU of one task of this process."""
    with open(f"/proc/self/task/{tid}/stat", encoding="ascii") as f:
        fields = f.read().rsplit(")", 1)[1].split()  # fields 3, 14 + 15, 39 of proc_pid_stat(5)
    return fields[0], int(fields[11]) + int(fields[12]), int(fields[36])


def spin(cpu, warm, warmed, stop):
    os.sched_setaffinity(0, {cpu})  # 0: the calling thread, not the whole process
    while not stop.is_set():
        sum(range(10_000))
        if time.thread_time() >= warm:  # this thread's own CPU time
            warmed.set()


def main(warm=0.2):
    cpu, warmed, stop = max(os.sched_getaffinity(0)), threading.Event(), threading.Event()
    threads = [
        threading.Thread(target=spin, args=(cpu, warm, warmed, stop), name="spinner"),
        threading.Thread(target=stop.wait, args=(60,), name="sleeper"),
    ]
    for t in threads:
        t.start()
    warmed.wait(60)
    while kernel_record(threads[1].native_id)[0] != "S" and not stop.wait(0.001):
        pass  # a moment between the sleeper's start and its wait in the kernel
    seen = {"tasks": sorted(int(tid) for tid in os.listdir("/proc/self/task"))}
    for t in [threading.main_thread(), *threads]:
        state, ticks, last_cpu = kernel_record(t.native_id)
        allowed = sorted(os.sched_getaffinity(t.native_id))
        print(_("%s：内核任务 %d，状态 %s，CPU 时间 %d 个时钟节拍，可用 CPU %s")
              % (t.name, t.native_id, state, ticks, allowed))  # fmt: skip
        seen[t.name] = {"tid": t.native_id, "state": state, "ticks": ticks,
                        "cpu": last_cpu, "affinity": allowed}  # fmt: skip
    stop.set()
    for t in threads:
        t.join(timeout=60)
    seen["pthread"] = os.confstr("CS_GNU_LIBPTHREAD_VERSION")
    return seen


if __name__ == "__main__":
    main()
