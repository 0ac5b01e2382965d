"""Timing claims of §3.5: what a tiny task and a big argument cost on a cluster. Each
test starts a cluster of its own once it has the CPUs to itself (an idle cluster keeps
a fifth of a CPU busy: the session's cluster would disturb every timing claim after)."""

from __future__ import annotations

import multiprocessing

import pytest

from chapter3.cluster import overhead, scatter
from chapter3.kit.cluster import cluster

pytestmark = pytest.mark.exclusive


@pytest.mark.claim("cluster-scatter-once")
def test_a_big_array_scattered_once_beats_one_sent_with_every_task():
    with cluster(workers=2) as c:
        run = scatter.main(c.address, megabytes=32, tasks=8)
    assert run["same_sums"]
    assert run["with_every_task"] > 2 * run["scattered"]  # 4-8 times measured here
    assert any("large" in w.lower() for w in run["warned"])  # dask itself says so


@pytest.mark.claim("cluster-tiny-task-overhead")
def test_a_tiny_task_costs_the_cluster_far_more_than_a_local_pool():
    with cluster(workers=2) as c:  # one cluster; the pools under every start method
        costs = {
            method: overhead.main(c.address, tasks=200, ctx=multiprocessing.get_context(method))
            for method in multiprocessing.get_all_start_methods()
        }
    for per_task in costs.values():  # seconds per task
        assert per_task["Client.map"] > 10 * per_task["Pool.map"]  # 40-70 times here
        assert per_task["Client.map"] > 3 * per_task["ProcessPoolExecutor.map"]  # 7-14 times
