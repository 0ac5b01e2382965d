"""Claims of §3.5: the chapter's pool, primitives and producer–consumer on a real dask
cluster (a scheduler and two workers, each its own process, on 127.0.0.1)."""

from __future__ import annotations

import os

import pytest

from chapter3.cluster import buns, cubes, futures, lock, semaphore, wire


@pytest.mark.claim("cluster-futures-like-async-results")
def test_submit_and_map_give_futures_and_map_keeps_input_order(dask_cluster):
    run = cubes.main(dask_cluster.address, n=5, nap=0.3)
    assert run["kind"] == "Future"
    assert run["cubes"] == [x**3 for x in range(5)]
    assert run["mapped"] == [x**3 for x in range(5)]  # input order...
    assert run["order"] == [1, 0]  # ...where as_completed gives finishing order


@pytest.mark.claim("cluster-result-timeout")
def test_result_with_a_timeout_raises_and_the_task_goes_on(dask_cluster):
    run = futures.main(dask_cluster.address, nap=0.3)
    assert run["timed_out"] is True and run["status"] == "pending"
    assert run["late"] == 9**3  # the task went on after the timeout, and finished


@pytest.mark.claim("cluster-callback-runs-in-the-client")
def test_a_done_callback_runs_in_the_client_process_on_dasks_thread(dask_cluster):
    run = futures.main(dask_cluster.address, nap=0.1)
    assert run["callback"]["pid"] == os.getpid() == run["pid"]
    assert run["callback"]["thread"].startswith("Dask-Callback-Thread")


@pytest.mark.claim("cluster-lambda-crosses-the-wire")
def test_a_lambda_reaches_a_worker_that_a_spawned_pool_refuses(dask_cluster):
    run = wire.main(dask_cluster.address, tasks=4)
    assert "pickle" in run["refused"].lower() and "lambda" in run["refused"]
    assert run["dask_square"] == 49


@pytest.mark.claim("cluster-worker-globals-are-their-own")
def test_a_worker_changes_its_own_globals_not_the_clients(dask_cluster):
    run = wire.main(dask_cluster.address, tasks=4)
    assert run["counter"] == 0  # the client's: no task changed it
    pids = {pid for _c, pid in run["bumps"]}
    assert os.getpid() not in pids and pids <= set(dask_cluster.worker_pids())
    for pid in pids:  # each worker counted its own tasks, from 1
        counts = sorted(c for c, p in run["bumps"] if p == pid)
        assert counts[0] >= 1 and counts == list(range(counts[0], counts[0] + len(counts)))


@pytest.mark.claim("cluster-lock-excludes")
def test_a_distributed_lock_keeps_every_deposit(dask_cluster):
    run = lock.main(dask_cluster.address, tasks=2, times=20, nap=0.01)
    assert run["unlocked"] < run["expected"]  # two workers read the same balance
    assert run["locked"] == run["expected"]


@pytest.mark.claim("cluster-semaphore-bounds-holders")
def test_one_lease_lets_one_task_in_at_a_time_across_workers(dask_cluster):
    run = semaphore.main(dask_cluster.address, tasks=4, leases=1, seconds=0.2)
    assert run["most_at_once"] == 1
    assert len(run["workers"]) == 2  # both workers ran tasks: the bound is the lease's
    assert semaphore.main(dask_cluster.address, tasks=4, leases=2, seconds=0.2)["most_at_once"] == 2


@pytest.mark.claim("cluster-queue-producer-consumer-ends")
def test_bakers_on_workers_feed_the_client_and_the_program_ends(dask_cluster):
    run = buns.main(dask_cluster.address, bakers=2, buns=5)
    eaten = run["eaten"]
    assert sorted(eaten) == sorted(f"baker{b}-{i}" for b in range(2) for i in range(5))
    for b in range(2):  # each baker's buns in the order it baked them
        mine = [bun for bun in eaten if bun.startswith(f"baker{b}-")]
        assert mine == [f"baker{b}-{i}" for i in range(5)]
