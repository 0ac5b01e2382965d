"""The cluster every claim of §3.5 runs against, one per test session (its tests share
one xdist worker: ``xdist_group``), and the client-side threads dask keeps for the
life of the process, started before the first test so that the leak guard does not
count them."""

import pytest
from distributed import Client

from chapter3.cluster.cubes import cube
from chapter3.kit.cluster import cluster


def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.parent.name == "cluster":
            item.add_marker(pytest.mark.xdist_group("dask-cluster"))


@pytest.fixture(scope="session")
def dask_cluster():
    with cluster(workers=2) as c:
        with Client(c.address) as client:  # dask's callback and offload threads, for good
            done = client.submit(cube, 2)
            done.add_done_callback(lambda f: None)
            done.result(timeout=30)
        yield c
