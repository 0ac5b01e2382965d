"""The chapter's dead holder (3.3.3), on a cluster. A process takes the only permit of a
``distributed.Semaphore`` and is killed before it gives it back. A ``multiprocessing``
permit would be lost for good; a dask permit is a lease that its holder keeps renewing,
and once it has gone unrenewed for the lease timeout the scheduler takes it back."""

import multiprocessing
import time
import uuid
from gettext import gettext as _

import dask
from distributed import Client, Semaphore


def lease_settings(lease_timeout):
    """dask's settings for a lease timeout in seconds (``None``: leases never lapse)."""
    key = "distributed.scheduler.locks."
    if lease_timeout is None:
        return {key + "lease-timeout": "inf"}
    return {key + "lease-timeout": f"{lease_timeout}s",
            key + "lease-validation-interval": f"{lease_timeout / 4}s"}  # fmt: skip


def holder(address, name, lease_timeout, held):
    """Takes the permit, says so, and keeps it until it is killed."""
    with dask.config.set(lease_settings(lease_timeout)), Client(address):
        Semaphore(max_leases=1, name=name).acquire(timeout=30)
        held.set()
        time.sleep(600)  # holding the permit, until the main process kills it


def main(address=None, lease_timeout=2.0, wait=10.0):
    with dask.config.set(lease_settings(lease_timeout)), Client(address) as client:
        sem = Semaphore(max_leases=1, name=f"permit-{uuid.uuid4().hex}")
        ctx = multiprocessing.get_context("spawn")  # the client runs threads: no fork
        held = ctx.Event()
        p = ctx.Process(target=holder, args=(client.scheduler.address, sem.name,
                                              lease_timeout, held))  # fmt: skip
        p.start()
        assert held.wait(timeout=60), "the holder did not get the permit"
        p.kill()  # SIGKILL: no chance to give anything back
        p.join(timeout=10)
        killed = time.monotonic()
        print(_("持有许可的进程 {pid} 被杀死了，许可没有归还").format(pid=p.pid))
        got = sem.acquire(timeout=wait)
        waited = time.monotonic() - killed
        if got:
            sem.release()
    print(_("租约期限 {t}：{w:.1f} 秒后拿到许可：{g}").format(t=lease_timeout, w=waited, g=got))
    return {"got": got, "waited": waited, "exitcode": p.exitcode}


if __name__ == "__main__":
    main()
