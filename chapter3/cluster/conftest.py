"""The cluster the claims of §3.5 run against, one per test session (so one per xdist
worker that runs any of them: putting them all on one worker, with ``--dist loadgroup``,
made the whole suite slower by minutes), and the client-side threads dask keeps for the
life of the process, started before the first test so that the leak guard does not
count them."""

import pytest
from distributed import Client

from chapter3.cluster.cubes import cube
from chapter3.kit.cluster import cluster


@pytest.fixture(scope="session")
def dask_cluster():
    with cluster(workers=2) as c:
        with Client(c.address) as client:  # dask's callback and offload threads, for good
            done = client.submit(cube, 2)
            done.add_done_callback(lambda f: None)
            done.result(timeout=30)
        yield c
