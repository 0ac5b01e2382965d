"""A real dask cluster on this machine, for the claims of §3.5: a scheduler and workers,
each its own operating-system process, started by the same command lines a real
deployment uses (``dask scheduler``, ``dask worker``), listening on 127.0.0.1 only.

Why the command lines and not ``LocalCluster``: ``LocalCluster`` runs the scheduler
inside the calling process, so the test process would be part of the cluster; here the
test is a client and nothing else, as a reader's program is on a real cluster, and
killing a worker is killing a process the test did not fork.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from chapter3.kit.program import kill_trees

START = 60.0  # seconds the cluster may take to come up


@dataclass
class Cluster:
    address: str  # tcp://127.0.0.1:<port>
    scheduler_file: Path
    processes: list[subprocess.Popen]

    def worker_pids(self) -> list[int]:
        """The process id of each worker, as the workers themselves tell it."""
        from distributed import Client

        with Client(self.address, timeout="30s") as client:
            return sorted(client.run(os.getpid).values())


def _dask(*args: str) -> list[str]:
    return [sys.executable, "-m", "dask", *args]


#: dask's housekeeping, slowed down: the workers' statistical profiler (every 10 ms), the
#: event-loop tick (20 ms), the system and memory monitors. An idle cluster of two workers
#: then keeps 1.6% of a CPU busy instead of 14% (measured), and the timing claims that run
#: while another test's cluster idles measure CPUs that are free.
IDLE = {
    "DASK_DISTRIBUTED__WORKER__PROFILE__ENABLED": "False",
    "DASK_DISTRIBUTED__ADMIN__TICK__INTERVAL": "1s",
    "DASK_DISTRIBUTED__ADMIN__SYSTEM_MONITOR__INTERVAL": "5s",
    "DASK_DISTRIBUTED__WORKER__MEMORY__MONITOR_INTERVAL": "1s",
}


def _quiet_env() -> dict[str, str]:
    return {**os.environ, **IDLE, "DASK_DISTRIBUTED__LOGGING__DISTRIBUTED": "error",
            "PYTHONUNBUFFERED": "1"}  # fmt: skip


def _wait_for_file(path: Path, proc: subprocess.Popen, deadline: float) -> dict:
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the scheduler exited with {proc.returncode}")
        with contextlib.suppress(OSError, ValueError):
            return json.loads(path.read_text(encoding="utf-8"))
        time.sleep(0.05)  # polling a file the scheduler writes when it listens
    raise TimeoutError(f"the scheduler wrote no {path.name} within {START:.0f} s")


@contextlib.contextmanager
def cluster(workers: int = 2, settings: dict[str, str] | None = None) -> Iterator[Cluster]:
    """A scheduler and ``workers`` workers (one thread each, each under a nanny), all
    stopped and their temporary directory removed when the block ends, also if it
    fails. ``settings``: dask configuration for all of them, by key
    (``{"distributed.scheduler.allowed-failures": "1"}``)."""
    tmp = Path(tempfile.mkdtemp(prefix="dask-cluster-"))
    env = _quiet_env()
    for key, value in (settings or {}).items():  # dask reads DASK_A__B_C as a.b-c
        env["DASK_" + key.upper().replace(".", "__").replace("-", "_")] = value
    file = tmp / "scheduler.json"
    procs: list[subprocess.Popen] = []
    try:
        procs.append(subprocess.Popen(
            _dask("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                  "--scheduler-file", str(file)),
            cwd=tmp, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        ))  # fmt: skip
        info = _wait_for_file(file, procs[0], time.monotonic() + START)
        procs.append(subprocess.Popen(
            _dask("worker", "--scheduler-file", str(file), "--host", "127.0.0.1",
                  "--nworkers", str(workers), "--nthreads", "1", "--no-dashboard",
                  "--local-directory", str(tmp / "workers"), "--death-timeout", "30"),
            cwd=tmp, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        ))  # fmt: skip
        from distributed import Client

        with Client(info["address"], timeout="30s") as client:
            client.wait_for_workers(workers, timeout=START)
        yield Cluster(info["address"], file, procs)
    finally:
        kill_trees(procs)
        shutil.rmtree(tmp, ignore_errors=True)
