"""A ``threading.Lock`` belongs to nobody: any thread may release it. An ``RLock``
belongs to the thread that acquired it: only that one may release it, and it may acquire
it again without waiting."""

import threading
from gettext import gettext as _


def release(lock, kind, out):
    try:
        lock.release()  # this thread never acquired it
        out[kind] = "released"
    except RuntimeError as e:
        out[kind] = f"RuntimeError: {e}"
    print(_("另一个线程释放主线程的 %s：%s") % (kind, out[kind]))


def main():
    lock, rlock, out = threading.Lock(), threading.RLock(), {}
    for kind, held in (("Lock", lock), ("RLock", rlock)):
        held.acquire(timeout=60)  # the main thread holds it
        t = threading.Thread(target=release, args=(held, kind, out))
        t.start()
        t.join(timeout=60)
    out["Lock again"] = lock.acquire(timeout=0)  # free: the other thread released it
    lock.release()
    out["RLock again"] = rlock.acquire(timeout=0)  # its owner takes it once more ...
    rlock.release()
    rlock.release()  # ... and releases it as many times
    try:
        lock.release()  # nobody holds it
    except RuntimeError as e:
        out["release unlocked"] = f"RuntimeError: {e}"
    print(_("释放一个没上锁的 Lock：%s") % out["release unlocked"])
    return out


if __name__ == "__main__":
    main()
