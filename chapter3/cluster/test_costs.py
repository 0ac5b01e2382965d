"""Timing claims of §3.5: what a big argument and a tiny task cost on a cluster. The
test starts its cluster once it has the CPUs to itself (a cluster's start keeps both CPUs
busy for seconds, and even idle it uses some), and measures both on it: one cluster start
in the run's exclusive time, not two."""

from __future__ import annotations

import multiprocessing

import pytest

from book.report import start_methods
from chapter3.cluster import overhead, scatter
from chapter3.kit.cluster import cluster


@pytest.mark.exclusive
@pytest.mark.claim("cluster-scatter-once")
@pytest.mark.claim("cluster-tiny-task-overhead")
def test_a_big_argument_and_a_tiny_task_cost_far_more_sent_to_a_cluster():
    with cluster(workers=2) as c:
        shipped = scatter.main(c.address, megabytes=16, tasks=16)
        costs = {  # seconds per task; the pools under every start method
            method: overhead.main(c.address, tasks=200, ctx=multiprocessing.get_context(method))
            for method in start_methods()
        }
    assert shipped["same_sums"]
    assert shipped["with_every_task"] > 1.5 * shipped["scattered"]  # 2.4-4.1 times here
    assert any("large" in w.lower() for w in shipped["warned"])  # dask itself says so
    for per_task in costs.values():
        assert per_task["Client.map"] > 10 * per_task["Pool.map"]  # 40-80 times here
        assert per_task["Client.map"] > 3 * per_task["ProcessPoolExecutor.map"]  # 7-20 times
