"""Example 3-7 on a cluster: a ``distributed.Semaphore`` with one lease lets one task at
a time into the critical section, whichever worker runs it."""

import time
import uuid
from gettext import gettext as _

from distributed import Client, Semaphore, get_worker


def work(n, sem, seconds):
    with sem:
        began = time.time()  # one clock for every process of this machine
        time.sleep(seconds)
        return n, get_worker().address, began, time.time()


def most_at_once(spans):
    """The most spans open at one moment."""
    moments = sorted([(b, 1) for _n, _w, b, _e in spans] + [(e, -1) for *_x, e in spans])
    now = high = 0
    for _t, step in moments:
        now += step
        high = max(high, now)
    return high


def main(address=None, tasks=4, leases=1, seconds=0.2):
    with Client(address) as client:
        sem = Semaphore(max_leases=leases, name=f"permit-{uuid.uuid4().hex}")
        spans = client.gather(client.map(work, range(tasks), sem=sem, seconds=seconds,
                                         pure=False))  # fmt: skip
        sem.close()
    for n, worker, began, ended in spans:
        print(_("任务 {n} 在 {w} 上持有许可 {s:.2f} s").format(n=n, w=worker, s=ended - began))
    high = most_at_once(spans)
    print(_("同时持有许可的任务最多 {h} 个（许可 {k} 份）").format(h=high, k=leases))
    return {"spans": spans, "most_at_once": high, "workers": sorted({w for _n, w, *_ in spans})}


if __name__ == "__main__":
    main()
