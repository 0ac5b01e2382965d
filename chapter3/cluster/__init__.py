"""§3.5 When one machine is not enough: the chapter's programs on a dask cluster
(``dask.distributed``).

Each module here, apart from the ``test_*`` modules, is one complete program a student
can copy and run: ``python -m chapter3.cluster.cubes`` starts a cluster of local worker
processes for the run, and ``main(address)`` points the same program at a running
cluster (``tcp://host:port``; ``None``: the address in ``DASK_SCHEDULER_ADDRESS``, or a
local cluster). The tests run them against a scheduler and workers started by the
``dask scheduler`` and ``dask worker`` command lines (``chapter3.kit.cluster``).

``QUICK`` holds each program's short settings (the site's runs, ``--quick``);
``OWN_METHOD``, the programs that choose their start method themselves;
``KILLS_WORKERS``, those run by their claim tests only. This file
imports nothing: workers import it.
"""

QUICK = {
    "cubes": {"nap": 0.3},
    "futures": {"nap": 0.3},
    "wire": {},
    "lock": {"times": 10},
    "semaphore": {"tasks": 4},
    "buns": {"buns": 3},
    "worker_dies": {"nap": 0.5},
    "poison_pill": {},
    "lease_expires": {},
    "lease_overbooked": {},
    "scatter": {"megabytes": 4, "tasks": 4},
    "overhead": {"tasks": 50},
}

# They start their processes under spawn whatever the run's start method: run once.
OWN_METHOD = ("wire", "lease_expires")

# They kill workers. A local cluster whose workers died can fail while it closes
# (distributed 2026.8: "ConnectionPool is closed"; a KeyError in SpecCluster's
# _update_worker_status), so the book runs them only in their claim tests, against
# clusters started by the command lines (chapter3.kit.cluster), not as quick runs.
KILLS_WORKERS = ("worker_dies", "poison_pill")
