"""Claims of §3.5 about failures, each on a cluster of its own: a worker killed in the
middle of a task, and a task that kills every worker it runs on."""

from __future__ import annotations

import pytest

from chapter3.cluster import poison_pill, worker_dies
from chapter3.kit.cluster import cluster


@pytest.mark.claim("cluster-killed-worker-tasks-rerun")
def test_the_tasks_of_a_killed_worker_run_again_and_every_result_is_right():
    with cluster(workers=2) as c:
        run = worker_dies.main(c.address, tasks=4, nap=1.0)
    assert run["squares"] == [x * x for x in range(4)]
    assert run["killed"] not in run["pids"]  # what it was running was computed elsewhere


@pytest.mark.claim("cluster-poison-pill-ends-with-killed-worker")
def test_a_task_that_kills_its_workers_ends_with_killed_worker():
    with cluster(workers=2, settings={"distributed.scheduler.allowed-failures": "1"}) as c:
        run = poison_pill.main(c.address)
    assert run["allowed"] == 1
    assert run["error"].startswith("KilledWorker: Attempted to run task")
    assert " on 2 different workers, but all those workers died" in run["error"]
