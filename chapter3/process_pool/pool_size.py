"""How many worker processes ``Pool(processes)`` starts, and when: at once.

``Pool()`` starts ``os.cpu_count()`` workers — every CPU of the machine, on Python 3.11
and 3.12 even those this process may not use. ``main(one_cpu=True)`` (Linux) first pins
this process to one CPU.
"""

import multiprocessing
import os
from gettext import gettext as _


def main(ctx=multiprocessing, processes=None, one_cpu=False):
    if one_cpu:  # from here on, this process (and what it starts) runs on one CPU only
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    with ctx.Pool(processes):  # no task given yet
        workers = [p.name for p in ctx.active_children()]
    print(_("CPU 共 %s 个，本进程可用 %s 个") % (os.cpu_count(), usable))
    print(_("Pool(%s) 一创建就启动了 %d 个工作进程") % (processes, len(workers)))
    return {"cpu_count": os.cpu_count(), "usable_cpus": usable, "workers": workers}


if __name__ == "__main__":
    main()
