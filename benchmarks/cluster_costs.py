"""What a dask cluster costs, in figures: the numbers behind §3.5's claims.

Run ``uv run python -m benchmarks.cluster_costs`` on a quiet machine. It starts a
scheduler and two workers on 127.0.0.1 (as the tests do), times many tiny tasks on
``multiprocessing.Pool`` and ``ProcessPoolExecutor`` (two workers each, every start
method) and on the cluster, and a big array sent with every task against scattered
once. It prints a table and writes ``docs/benchmarks/cluster-costs.md``, which §3.5's
pages include. ``--quick`` runs it at small sizes, only to check that it runs, and
writes under ``.book/benchmarks/`` (or ``--out``), never the record.
"""

from __future__ import annotations

import multiprocessing
import statistics
import sys

from benchmarks import record
from benchmarks.record import ms, quiet
from chapter3.cluster import overhead, scatter
from chapter3.kit.cluster import cluster

HEADER = ("情形 case", "方式 how", "时间 time", "相对 relative")


def task_rows(address: str, tasks: int, repeat: int, methods: list[str]) -> list[tuple]:
    case = f"{tasks} tiny tasks (x + 1), per task"
    runs = {}  # way -> per-task seconds of each repeat
    for _ in range(repeat):
        for method in methods:
            costs = quiet(overhead.main, address, tasks, multiprocessing.get_context(method))
            for way, seconds in costs.items():
                key = way if way == "Client.map" else f"{way} ({method})"
                runs.setdefault(key, []).append(seconds)
    best = {way: statistics.median(s) for way, s in runs.items()}
    base = min(best.values())
    return [
        (case, way, f"{seconds * 1e6:.0f} µs", f"{seconds / base:.1f}×")
        for way, seconds in sorted(best.items(), key=lambda kv: kv[1])
    ]


def scatter_rows(address: str, megabytes: int, tasks: int, repeat: int) -> list[tuple]:
    case = f"{tasks} tasks summing one {megabytes} MiB array"
    runs = [quiet(scatter.main, address, megabytes, tasks) for _ in range(repeat)]
    each = statistics.median(r["with_every_task"] for r in runs)
    once = statistics.median(r["scattered"] for r in runs)
    return [
        (case, "scattered once (client.scatter)", ms(once), "1.0×"),
        (case, "sent with every task", ms(each), f"{each / once:.1f}×"),
    ]


NOTES = (
    "相对 = 该方式的时间 ÷ 同一情形下最快方式的时间。进程池和集群都先启动、先热身，"
    "只计任务本身；集群是一个 scheduler 和两个 worker 进程（每个一个线程），"
    "都在本机的回环地址上。  \n"
    "Relative = this way's time ÷ the fastest way's in the same case. Pools and the cluster "
    "are started and warmed up first: only the tasks are timed. The cluster is one scheduler "
    "and two worker processes (one thread each), all on this machine's loopback address."
)


def main(argv: list[str] | None = None) -> None:
    quick, out = record.arguments("cluster_costs", "cluster-costs.md", argv)
    info, methods = record.machine(), multiprocessing.get_all_start_methods()
    tasks, repeat = (50, 1) if quick else (2000, 3)
    megabytes, sent, scatters = (4, 4, 1) if quick else (64, 16, 3)
    with cluster(workers=2) as c:
        rows = [  # quick: one start method is enough to check that the rows are made
            *task_rows(c.address, tasks, repeat, methods[:1] if quick else methods),
            *scatter_rows(c.address, megabytes, sent, scatters),
        ]
    text = record.markdown("cluster_costs", info, record.table(HEADER, rows), NOTES, quick)
    record.write(out, text, info, HEADER, rows)


if __name__ == "__main__":
    if sys.platform != "linux":
        sys.exit("this benchmark reads /proc: run it on Linux")
    main()
