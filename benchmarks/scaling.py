"""How far a pool scales here: the numbers and the plot behind §3.6's first half.

Run ``uv run python -m benchmarks.scaling`` on a quiet machine. It measures the
machine's own ceiling first (busy programs side by side, no ``multiprocessing``), then
the speed-up of ``Pool.map`` with 1 … 2 × CPUs workers for jobs with a known serial
fraction, and fits each job's serial fraction back from the speed-ups. It writes
``docs/benchmarks/scaling.md`` and ``.json``; §3.6's pages include the table and draw
the plot from the JSON. ``--quick`` runs it at small sizes, only to check that it runs.
"""

from __future__ import annotations

import statistics

from benchmarks import record
from benchmarks.record import quiet
from chapter3.measured import amdahl, ceiling

HEADER = ("情形 case", "worker 数 workers", "加速比 speed-up", "阿姆达尔上限 Amdahl's bound",
          "拟合的串行比例 fitted serial fraction")  # fmt: skip
SERIAL = (0.0, 0.1, 0.3, 0.5)


def measured(serial: float, work: int, repeat: int) -> dict[int, float]:
    runs = [quiet(amdahl.main, serial=serial, work=work)["speedups"] for _ in range(repeat)]
    return {n: statistics.median(r[n] for r in runs) for n in runs[0]}


NOTES = (
    "上限一行：每个 CPU 一个独立的忙循环程序（由 subprocess 启动，不经 multiprocessing），"
    "加速比 = 个数 × 单独一个的时间 ÷ 同时运行的时间。其余各行：串行部分在主进程里、"
    "并行部分分成 12 份交给进程池，进程池先启动、先热身，只计任务；每格取三次的中位数。"
    "拟合只用不超过 CPU 数的那些点。  \n"
    "Ceiling row: one independent busy program per CPU (started by subprocess, no "
    "multiprocessing); speed-up = count × one alone ÷ all side by side. Other rows: the "
    "serial part in the main process, the parallel part in 12 tasks on a pool started and "
    "warmed up before timing; each cell the median of three runs. The fit uses the points "
    "with no more workers than CPUs."
)


def main(argv: list[str] | None = None) -> None:
    quick, out = record.arguments("scaling", "scaling.md", argv)
    info, cpus = record.machine(), ceiling.cpus()
    work, repeat = (2_000_000, 1) if quick else (40_000_000, 3)
    limit = quiet(ceiling.main, work=work, rounds=1 if quick else 3)
    rows = [("ceiling: busy programs", limit["copies"], f"{limit['ceiling']:.2f}", "", "")]
    jobs = []
    for serial in SERIAL[:2] if quick else SERIAL:
        speedups = measured(serial, work, repeat)
        fit = amdahl.fitted({n: s for n, s in speedups.items() if n <= cpus}) if cpus > 1 else None
        jobs.append({"serial": serial, "speedups": speedups, "fitted": fit})
        for n, s in speedups.items():
            rows.append((f"Pool.map, serial fraction {serial:.0%}", n, f"{s:.2f}",
                         f"{1 / (serial + (1 - serial) / n):.2f}",
                         "" if fit is None else f"{fit:.3f}"))  # fmt: skip
    data = {"cpus": cpus, "ceiling": limit["ceiling"], "jobs": jobs}
    text = record.markdown("scaling", info, record.table(HEADER, rows), NOTES, quick)
    record.write(out, text, info, HEADER, rows, data)


if __name__ == "__main__":
    main()
