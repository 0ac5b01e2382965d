"""A task that kills every worker it runs on (a poison pill): the scheduler tries it
again on another worker, and after the allowed number of failures
(``distributed.scheduler.allowed-failures``) gives up with ``KilledWorker``."""

import os
from gettext import gettext as _

from distributed import Client, KilledWorker


def poison(_x):
    os._exit(1)  # as a crash in C code, or the out-of-memory killer, would end it


def allowed_failures(dask_scheduler):
    return dask_scheduler.allowed_failures


def main(address=None):
    with Client(address) as client:
        allowed = client.run_on_scheduler(allowed_failures)
        workers = len(client.scheduler_info()["workers"])
        try:
            client.submit(poison, 0, pure=False).result(timeout=120)
            error = ""
        except KilledWorker as e:
            error = f"{type(e).__name__}: {e}"
        # the nannies restart the killed workers: let them come up before the cluster
        # closes (a worker told to close while starting fails: "ConnectionPool is closed")
        client.wait_for_workers(workers, timeout=60)
    print(_("允许的失败次数：{n}；结果：{e}").format(n=allowed, e=error))
    return {"allowed": allowed, "error": error}


if __name__ == "__main__":
    main()
