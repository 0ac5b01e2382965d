"""What a pool's tasks and a process's start cost: the numbers behind §3.6's pool rows.

Run ``uv run python -m benchmarks.pool_costs`` on a quiet machine. Under each start
method: 100,000 tiny tasks through ``Pool.map`` with chunksize 1, the default and
10,000; tasks of uneven length through ``map`` and ``imap_unordered`` (when the first
result arrives); and the start of one process from a module that imports nothing
heavy against one that imports NumPy. It writes ``docs/benchmarks/pool-costs.md`` and
``.json``. ``--quick``: small sizes, to check it runs.
"""

from __future__ import annotations

import multiprocessing

from benchmarks import record
from benchmarks.record import ms, quiet
from chapter3.kit import program
from chapter3.measured import chunksize, uneven

HEADER = ("情形 case", "方式 how", "时间 time")

NOTES = (
    "进程池先启动，只计任务。启动一行：启动并等待一个什么也不做的进程，取中位数，"
    "在一个新的解释器里测（它的主模块什么都不导入）；"
    "“导入 NumPy”指目标函数所在的模块在顶层导入了 NumPy。  \n"
    "Pools are started before timing: only the tasks count. Start rows: start and join one "
    "process that does nothing, the median, measured in a fresh interpreter whose main "
    'module imports nothing; "imports NumPy": the module of its target function imports '
    "NumPy at its top."
)


def main(argv: list[str] | None = None) -> None:
    quick, out = record.arguments("pool_costs", "pool-costs.md", argv)
    info = record.machine()
    tasks, starts = (10_000, 2) if quick else (100_000, 9)
    methods = multiprocessing.get_all_start_methods()
    data, rows = {}, []
    for method in methods[:1] if quick else methods:
        ctx = multiprocessing.get_context(method)
        chunks = quiet(chunksize.main, tasks=tasks, ctx=ctx)
        spread = quiet(uneven.main, long=0.5 if quick else 1.0, ctx=ctx)
        # in fresh interpreters: this module imports NumPy, and spawn would import it again
        light = program.unobserved("concepts.start_cost", method, n=starts)[0]["process_s"]
        heavy = program.unobserved("measured.heavy_main", method, n=starts)[0]["process_s"]
        data[method] = {"chunksize": chunks, "map": spread["map"],
                        "first_unordered": spread["imap_unordered"][0][1],
                        "start": light, "start_numpy": heavy}  # fmt: skip
        rows += [(f"{tasks:,} tiny tasks, {method}", f"chunksize={size}", ms(s))
                 for size, s in chunks.items()]  # fmt: skip
        rows += [
            (f"1 long + 7 short tasks, {method}", "map: all results", ms(spread["map"])),
            (f"1 long + 7 short tasks, {method}", "imap_unordered: first result",
             ms(data[method]["first_unordered"])),
            (f"start + join one process, {method}", "module imports nothing heavy", ms(light)),
            (f"start + join one process, {method}", "module imports NumPy", ms(heavy)),
        ]  # fmt: skip
    text = record.markdown("pool_costs", info, record.table(HEADER, rows), NOTES, quick)
    record.write(out, text, info, HEADER, rows, data)


if __name__ == "__main__":
    main()
