"""Who may release a lock: any process, for a Lock; only its holder, for an RLock."""

import multiprocessing
from gettext import gettext as _


def main(ctx=multiprocessing):
    out = {}
    for kind, lock in [("Lock", ctx.Lock()), ("RLock", ctx.RLock())]:
        lock.acquire(timeout=60)  # the main process holds it
        p = ctx.Process(target=lock.release)  # a process that never acquired it
        p.start()
        p.join(timeout=60)
        print(_("另一个进程释放 %s，退出码 %s") % (kind, p.exitcode))
        try:
            lock.release()
            own = "released"
        except ValueError as e:
            own = f"ValueError: {e}"
        print(_("持有者自己再释放：%s") % own)
        out[kind] = {"other": p.exitcode, "own": own}
    return out


if __name__ == "__main__":
    main()
