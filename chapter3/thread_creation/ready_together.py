"""How often are two busy workers both ready to run? Ask the kernel, again and again.

For each kind of pair — two threads running bytecode, two threads compressing with
zlib, two processes running bytecode — a sampler process reads both workers' state
letter in ``/proc`` (``R`` running or ready, ``S`` asleep). A thread waiting for the
GIL sleeps. Another process samples: a thread here would need the GIL itself. Linux only.
"""

import multiprocessing
import os
import threading
import time
import zlib
from gettext import gettext as _


def busy(kind, started, stop):
    data = os.urandom(1 << 20) if kind == "zlib" else b""
    started.set()
    while not stop.is_set():
        if data:
            zlib.compress(data, 1)  # C code: the GIL is released
        else:
            for _i in range(10_000):  # bytecode: the GIL is held
                pass


def sample(paths, samples, interval, out):
    seen = []
    for _i in range(samples):
        letters = ""
        for path in paths:
            with open(path, encoding="ascii") as f:
                letters += f.read().rsplit(")", 1)[1].split()[0]
        seen.append(letters)
        time.sleep(interval)
    out.put(seen)


def pair(ctx, kind, samples, interval):
    lib = ctx if kind == "processes" else threading
    make = ctx.Process if kind == "processes" else threading.Thread
    started, stop, out = [lib.Event(), lib.Event()], lib.Event(), ctx.Queue()
    workers = [make(target=busy, args=(kind, s, stop)) for s in started]
    for w in workers:
        w.start()
    for s in started:
        s.wait(60)
    paths = [f"/proc/{w.pid}/stat" if kind == "processes"
             else f"/proc/{os.getpid()}/task/{w.native_id}/stat" for w in workers]  # fmt: skip
    sampler = ctx.Process(target=sample, args=(paths, samples, interval, out), name="sampler")
    sampler.start()
    seen = out.get(timeout=60)
    stop.set()
    for w in [*workers, sampler]:
        w.join(timeout=60)
    return {p: seen.count(p) for p in sorted(set(seen))}


def main(ctx=multiprocessing, kinds=("python", "zlib", "processes"), samples=300, interval=0.002):
    patterns = {}
    for kind in kinds:
        patterns[kind] = counts = pair(ctx, kind, samples, interval)
        share = 100 * counts.get("RR", 0) / samples
        print(_("两个工作者（%s）：%.0f%% 的采样中两者同时就绪（R）%s") % (kind, share, counts))
    return patterns


if __name__ == "__main__":
    main()
