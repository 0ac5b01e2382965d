"""The cluster the claims of §3.5 run against, one per test session (so one per xdist
worker that runs any of them: putting them all on one worker, with ``--dist loadgroup``,
made the whole suite slower by minutes), and the client-side threads dask keeps for the
life of the process, started before the first test so that the leak guard does not
count them; and the cluster of the lease claims, whose leases time out in seconds."""

import contextlib

import pytest
from distributed import Client

from book.cpu_slot import slot
from chapter3.cluster.cubes import cube
from chapter3.cluster.lease_expires import lease_settings
from chapter3.kit.cluster import cluster

LEASE = 2.0  # seconds: the lease timeout of the lease claims' cluster


@contextlib.contextmanager
def started(**kwargs):
    """A cluster started while no timing claim of the run measures (its start keeps both
    CPUs busy for seconds); stopped when the block ends."""
    with contextlib.ExitStack() as stack:
        with slot():
            c = stack.enter_context(cluster(**kwargs))
        yield c


@pytest.fixture(scope="session", autouse=True)
def dask_threads():
    """The thread dask offloads big (de)serialisations to, which lives as long as the
    process: started before the first test, so that no test counts it as left behind."""
    from distributed.utils import _offload_executor

    _offload_executor.submit(int).result(timeout=30)


@pytest.fixture(scope="session")
def dask_cluster():
    with started(workers=2) as c:
        with Client(c.address) as client:  # dask's callback thread, for good
            done = client.submit(cube, 2)
            done.add_done_callback(lambda f: None)
            done.result(timeout=30)
        yield c


@pytest.fixture(scope="module")
def lease_cluster():
    """Two workers whose semaphore leases time out after ``LEASE`` seconds, checked
    every quarter of that."""
    with started(workers=2, settings=lease_settings(LEASE)) as c:
        yield c
