"""How often are two busy workers both ready to run? Ask the kernel, again and again.

For each kind of pair — two threads running bytecode, two threads compressing with
zlib, two processes running bytecode — a sampler process reads both workers' state
letter in ``/proc`` (``R`` running or ready, ``S`` asleep). A thread waiting for the
GIL sleeps. Another process samples: a thread here would need the GIL itself. Linux only.
"""

import multiprocessing
import os
import pathlib
import threading
import time
import zlib
from gettext import gettext as _


def busy(kind, ready, stop):
    ready.wait(60)
    while not stop.is_set():
        if kind == "zlib":
            zlib.compress(bytes(1 << 20), 1)  # C code: the GIL is released
        else:
            sum(i for i in range(10_000))  # bytecode: the GIL is held


def sample(paths, samples, interval, out):
    seen = []
    for _i in range(samples):  # field 3 of proc_pid_stat(5): the state
        seen.append("".join(pathlib.Path(p).read_text().rsplit(")")[-1].split()[0] for p in paths))
        time.sleep(interval)
    out.put({p: seen.count(p) for p in sorted(set(seen))})


def main(ctx=multiprocessing, kinds=("python", "zlib", "processes"), samples=300, interval=0.002):
    patterns = {}
    for kind in kinds:
        make, lib = (ctx.Process, ctx) if kind == "processes" else (threading.Thread, threading)
        ready, stop, out = lib.Barrier(3), lib.Event(), ctx.Queue()
        workers = [make(target=busy, args=(kind, ready, stop)) for _i in range(2)]
        for w in workers:
            w.start()
        ready.wait(60)  # both workers are busy from here on
        paths = [f"/proc/{w.pid}/stat" if kind == "processes"
                 else f"/proc/{os.getpid()}/task/{w.native_id}/stat" for w in workers]  # fmt: skip
        sampler = ctx.Process(target=sample, args=(paths, samples, interval, out))
        sampler.start()
        patterns[kind] = counts = out.get(timeout=60)
        stop.set()
        for w in [*workers, sampler]:
            w.join(timeout=60)
        print(_("两个工作者（%s），%d 次采样中两者的状态：%s") % (kind, samples, counts))
    return patterns


if __name__ == "__main__":
    main()
