"""How much parallel work can this machine do at all? Copies of a busy loop started as
separate programs (``subprocess``, no ``multiprocessing``): one alone, then one per CPU
side by side. With N CPUs free the copies take about as long as one alone and the
ceiling is close to N; where two vCPUs are two hyper-threads of one core, it is less.
Every speed-up is then judged against this ceiling, not N alone.
"""

import os
import subprocess
import sys
import time
from gettext import gettext as _

BUSY = "n = {work}\nwhile n:\n    n -= 1"


def side_by_side(copies, work):
    """Seconds until ``copies`` busy programs, started at once, have all ended."""
    start = time.perf_counter()
    programs = [subprocess.Popen([sys.executable, "-c", BUSY.format(work=work)])
                for _ in range(copies)]  # fmt: skip
    for program in programs:
        program.wait(timeout=300)
    return time.perf_counter() - start


def cpus():
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


def main(copies=None, work=20_000_000, rounds=3):
    copies = copies or cpus()
    alone = min(side_by_side(1, work) for _ in range(rounds))  # the best of each
    together = min(side_by_side(copies, work) for _ in range(rounds))
    ceiling = copies * alone / together
    print(_("1 个程序单独运行：{a:.2f} s；{n} 个同时运行：{b:.2f} s").format(
        a=alone, n=copies, b=together))  # fmt: skip
    print(_("这台机器的并行上限：{c:.2f}（理想是 {n}）").format(c=ceiling, n=copies))
    return {"copies": copies, "alone": alone, "together": together, "ceiling": ceiling}


if __name__ == "__main__":
    main()
