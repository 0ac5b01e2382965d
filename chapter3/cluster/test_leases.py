"""Claims of §3.5 about leases: a dask Semaphore's permit is a lease that its holder
keeps renewing, and that the scheduler takes back once it has gone unrenewed for the
lease timeout. Each cluster here has a 2-second lease timeout, checked every 0.5 s."""

from __future__ import annotations

import signal

import pytest

from chapter3.cluster import lease_expires, lease_overbooked
from chapter3.cluster.conftest import LEASE
from chapter3.cluster.lease_expires import lease_settings
from chapter3.kit.cluster import cluster


@pytest.mark.claim("cluster-dead-holders-lease-lapses")
def test_a_killed_holders_permit_comes_back_after_the_lease_timeout(lease_cluster):
    run = lease_expires.main(lease_cluster.address, lease_timeout=LEASE, wait=5 * LEASE)
    assert run["exitcode"] == -signal.SIGKILL
    assert run["got"]
    assert run["waited"] > LEASE / 2  # not at once: the lease ran out, nobody gave it back
    never = lease_expires.main(lease_cluster.address, lease_timeout=None, wait=1.5 * LEASE)
    assert never["got"] is False  # leases that never lapse: the chapter's deadlock


@pytest.mark.claim("cluster-paused-holder-overbooks")
def test_a_paused_holder_loses_its_lease_and_two_hold_the_one_permit(lease_cluster):
    paused = lease_overbooked.main(lease_cluster.address, lease_timeout=LEASE, pause=True)
    assert paused["got"] and paused["both_inside"]
    alive = lease_overbooked.main(lease_cluster.address, lease_timeout=LEASE, pause=False)
    assert alive["got"] is False  # renewed for three lease timeouts: nobody else got in


@pytest.mark.claim("cluster-semaphore-argument-not-renewed")
def test_a_semaphore_passed_to_a_fresh_workers_task_is_not_renewed():
    with cluster(workers=1, settings=lease_settings(LEASE)) as c:  # a worker with no client
        passed = lease_overbooked.main(c.address, lease_timeout=LEASE, pause=False, passed=True)
        named = lease_overbooked.main(c.address, lease_timeout=LEASE, pause=False)
    assert passed["got"] and passed["both_inside"]  # no pause, yet the lease lapsed
    assert named["got"] is False  # made in the task from its name: renewed
