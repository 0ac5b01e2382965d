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

HEADER = ("情形 case", "worker 数 workers", "加速比 speed-up", "在忙的 CPU CPUs busy",
          "阿姆达尔上限 Amdahl's bound", "拟合的串行比例 fitted serial fraction")  # fmt: skip
SERIAL = (0.0, 0.1, 0.3, 0.5)


def measured(serial: float, work: int, repeat: int) -> tuple[dict, dict]:
    """Speed-ups from the fastest of ``repeat`` runs at each worker count (this machine's
    CPUs change speed by up to a third within seconds: the fastest run is the least
    disturbed), and the median CPUs kept busy, which such changes do not move."""
    runs = [quiet(amdahl.main, serial=serial, work=work) for _ in range(repeat)]
    best = {n: min(r["seconds"][n] for r in runs) for n in runs[0]["seconds"]}
    busy = {n: statistics.median(r["busy"][n] for r in runs) for n in best}
    return {n: best[1] / t for n, t in best.items()}, busy


NOTES = (
    "上限一行：每个 CPU 一个独立的忙循环程序（由 subprocess 启动，不经 multiprocessing），"
    "加速比 = 个数 × 单独一个的时间 ÷ 同时运行的时间。其余各行：串行部分在主进程里、"
    "并行部分分成 12 × CPU 数份交给进程池，进程池先启动，等每个工作进程都应答过才计时；"
    "加速比取五次中最快的一次（这台虚拟机的 CPU 速度在几秒之内会变化三成）；"
    "在忙的 CPU = 各进程花在这项工作上的 CPU 时间 ÷ 墙钟时间，取五次的中位数，"
    "CPU 速度的变化不影响它；拟合用它，只用不超过 CPU 数的那些点。  \n"
    "Ceiling row: one independent busy program per CPU (started by subprocess, no "
    "multiprocessing); speed-up = count × one alone ÷ all side by side. Other rows: the "
    "serial part in the main process, the parallel part in 12 × CPUs tasks on a pool, timed "
    "once every worker has answered. Speed-up: the fastest of five runs (this virtual "
    "machine's CPUs change speed by up to a third within seconds); CPUs busy: the CPU time "
    "the processes spent on the job ÷ its wall time, the median of five, which such changes "
    "do not move. The fit uses CPUs busy, at no more workers than CPUs."
)


def main(argv: list[str] | None = None) -> None:
    quick, out = record.arguments("scaling", "scaling.md", argv)
    info, cpus = record.machine(), ceiling.cpus()
    work, repeat = (2_000_000, 1) if quick else (40_000_000, 5)
    limit = quiet(ceiling.main, work=work, rounds=1 if quick else 3)
    rows = [("ceiling: busy programs", limit["copies"], f"{limit['ceiling']:.2f}", "", "", "")]
    jobs = []
    for serial in SERIAL[:2] if quick else SERIAL:
        speedups, busy = measured(serial, work, repeat)
        fit = amdahl.fitted({n: b for n, b in busy.items() if n <= cpus}) if cpus > 1 else None
        jobs.append({"serial": serial, "speedups": speedups, "busy": busy, "fitted": fit})
        for n, s in speedups.items():
            rows.append((f"Pool.map, serial fraction {serial:.0%}", n, f"{s:.2f}",
                         f"{busy[n]:.2f}", f"{1 / (serial + (1 - serial) / n):.2f}",
                         "" if fit is None else f"{fit:.3f}"))  # fmt: skip
    data = {"cpus": cpus, "ceiling": limit["ceiling"], "jobs": jobs}
    text = record.markdown("scaling", info, record.table(HEADER, rows), NOTES, quick)
    record.write(out, text, info, HEADER, rows, data)


if __name__ == "__main__":
    main()
