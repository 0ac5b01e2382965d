"""Threads against processes, in figures: the numbers behind §3.4's claims.

Run ``uv run python -m benchmarks.threads_vs_processes`` on a quiet machine. It
prints a table and writes ``docs/benchmarks/threads-vs-processes.md``, which
the pages of §3.4 include. The tests check the same behaviours with wide
margins; only this benchmark reports exact figures, and only for the machine,
the Python and the moment it names.

``--quick`` runs the same rows at small sizes, only to check that the benchmark still
runs against the listings: it writes ``.book/benchmarks/threads-vs-processes.md``
(ignored by git) or ``--out``, never the record in ``docs/``.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
import time

from benchmarks import record
from benchmarks.record import ms, quiet
from chapter3.concepts import gil, start_cost
from chapter3.thread_creation import (
    cpu_bound,
    creation_cost,
    fetch_pages,
    gil_threads,
    ready_together,
)

HEADER = ("情形 case", "方式 how", "时间 time", "加速比 speed-up", "占用 CPU CPUs busy")


def wall(workers) -> float:
    return max(w["end"] for w in workers) - min(w["start"] for w in workers)


def busy(workers) -> float:
    return sum(w["cpu"] for w in workers) / wall(workers)


def fastest(runs, key: str) -> list[dict]:
    return min((r[key] for r in runs), key=wall)


def cpu_rows(work: int, repeat: int) -> list[tuple]:
    runs = {
        method: [
            quiet(cpu_bound.main, multiprocessing.get_context(method), work=work)
            for _ in range(repeat)
        ]
        for method in multiprocessing.get_all_start_methods()
    }
    every = [r for rs in runs.values() for r in rs]
    alone, threads = fastest(every, "in_turn"), fastest(every, "threads")
    seq = wall(alone)
    case = f"CPU, pure Python, 2 × add_up({work:,})"
    rows = [
        (case, "in turn, main thread", ms(seq), "1.00", f"{busy(alone):.2f}"),
        (case, "2 threads", ms(wall(threads)), f"{seq / wall(threads):.2f}",
         f"{busy(threads):.2f}"),
    ]  # fmt: skip
    for method, rs in runs.items():
        procs = fastest(rs, "processes")
        rows.append(
            (case, f"2 processes ({method})", ms(wall(procs)),
             f"{seq / wall(procs):.2f}", f"{busy(procs):.2f}")
        )  # fmt: skip
    return rows


def gil_rows(work: int, megabytes: int, repeat: int, hashed: int = 64) -> list[tuple]:
    threads = min(
        (quiet(gil_threads.main, work=work, megabytes=megabytes)["zlib"] for _ in range(repeat)),
        key=wall,
    )
    data = os.urandom(1 << 20) * megabytes
    in_turn = float("inf")
    for _ in range(repeat):  # the same two compressions, one after the other
        start = time.perf_counter()
        gil_threads.zlib.compress(data), gil_threads.zlib.compress(data)
        in_turn = min(in_turn, time.perf_counter() - start)
    case = f"zlib.compress, 2 × {megabytes} MB"
    rows = [
        (case, "in turn, main thread", ms(in_turn), "1.00", ""),
        (case, "2 threads (GIL released)", ms(wall(threads)),
         f"{in_turn / wall(threads):.2f}", f"{busy(threads):.2f}"),
    ]  # fmt: skip
    data = os.urandom(1 << 20) * hashed
    hashing = [quiet(gil.two_ways, eight_digests, data) for _ in range(repeat)]
    seq = min(wall(r["in_turn"]) for r in hashing)
    threads = fastest(hashing, "threads")
    cores = sum(w["cpu_s"] for w in threads) / wall(threads)
    case = f"hashlib.sha256, 2 × 8 × {hashed} MB"
    rows.append((case, "in turn, main thread", ms(seq), "1.00", ""))
    rows.append(
        (case, "2 threads (GIL released)", ms(wall(threads)), f"{seq / wall(threads):.2f}",
         f"{cores:.2f}")
    )  # fmt: skip
    return rows


def eight_digests(data: bytes) -> None:
    """The hashing rows' task: the GIL listing's SHA-256 of the buffer, 8 times over."""
    for _ in range(8):
        gil.digest(data)


def _get(url: str) -> str:
    page = [None]
    fetch_pages.fetch(url, page, 0)
    return page[0]


def _fetch_in_processes(ctx, urls: list[str]) -> float:
    start = time.monotonic()
    with ctx.Pool(len(urls)) as pool:
        pool.map(_get, urls)
    return time.monotonic() - start


def io_rows(pages: int, latency: float, repeat: int) -> list[tuple]:
    runs = [quiet(fetch_pages.main, pages, latency) for _ in range(repeat)]
    seq = min(r["in_turn"] for r in runs)
    threaded = min(r["in_threads"] for r in runs)
    server = fetch_pages.PageServer(("127.0.0.1", 0), fetch_pages.SlowPage)
    server.latency = latency
    serving = threading.Thread(target=server.serve_forever, args=(0.05,))
    serving.start()
    try:
        host, port = server.server_address[:2]
        urls = [f"http://{host}:{port}/page/{i}" for i in range(pages)]
        case = f"HTTP, {pages} pages × {latency * 1e3:.0f} ms latency"
        rows = [
            (case, "one by one", ms(seq), "1.00", ""),
            (case, f"{pages} threads", ms(threaded), f"{seq / threaded:.2f}", ""),
        ]
        for method in multiprocessing.get_all_start_methods():
            ctx = multiprocessing.get_context(method)
            took = min(_fetch_in_processes(ctx, urls) for _ in range(repeat))
            rows.append(
                (case, f"pool of {pages} processes ({method}), incl. start", ms(took),
                 f"{seq / took:.2f}", "")
            )  # fmt: skip
    finally:
        server.shutdown()
        server.server_close()
        serving.join(60)
    return rows


def cost_rows(n: int, repeat: int, singles: int = 25) -> list[tuple]:
    rows = []
    for method in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context(method)
        batch = quiet(creation_cost.main, ctx, n=n, repeat=repeat)
        single = quiet(start_cost.main, ctx, n=singles)
        rows.append(
            (
                f"start + join, {method}",
                f"1 thread / 1 process (median of {singles})",
                f"{single['thread_s'] * 1e6:.0f} µs / {single['process_s'] * 1e3:.1f} ms",
                f"×{single['process_s'] / single['thread_s']:.0f}",
                "",
            )
        )
        rows.append(
            (
                f"start + join, {method}",
                f"{n} threads / {n} processes (best of {repeat})",
                f"{batch['threads'] * 1e3:.2f} ms / {batch['processes'] * 1e3:.1f} ms",
                f"×{batch['processes'] / batch['threads']:.0f}",
                "",
            )
        )
    return rows


def ready_rows(samples: int) -> list[tuple]:
    patterns = quiet(ready_together.main, samples=samples)
    kinds = {"python": "python threads", "zlib": "zlib threads", "processes": "processes"}
    return [
        (
            "kernel state of 2 busy workers",
            f"2 {kinds[kind]}",
            f"both R in {counts.get('RR', 0) / samples:.0%} of {samples} samples",
            "",
            "",
        )
        for kind, counts in patterns.items()
    ]


NOTES = (
    "加速比 = 依次执行的时间 ÷ 该方式的时间；占用 CPU = 各工作者的 CPU 时间之和 ÷ 墙钟时间。"
    "计算类各行只计计算本身（工作者就绪后才计时），不含启动进程的时间；HTTP 各行含启动时间。"
    "spawn 和 forkserver 启动的工作进程会重新导入主模块（这里就是本基准测试的模块，连同它导入的"
    " psutil 和本章的模块），这也算在它们的启动时间里。  \n"
    "Speed-up = time in turn ÷ time this way; CPUs busy = the workers' CPU time ÷ wall time. "
    "The computing rows time the computing only (workers start timing once ready), not the "
    "start of processes; the HTTP rows include it. A worker started by spawn or forkserver "
    "imports the main module again (here this benchmark's module, with psutil and the "
    "chapter's modules it imports): that is part of its start cost."
)


def main(argv: list[str] | None = None) -> None:
    quick, out = record.arguments("threads_vs_processes", "threads-vs-processes.md", argv)
    work, repeat = (300_000, 1) if quick else (5_000_000, 3)
    info = record.machine()
    rows = [
        *cpu_rows(work, repeat),
        *gil_rows(work, 1 if quick else 8, repeat, hashed=8 if quick else 64),
        *io_rows(8, 0.1, repeat),
        *cost_rows(8, 2 if quick else 5, singles=10 if quick else 25),
        *ready_rows(50 if quick else 500),
    ]
    text = record.markdown("threads_vs_processes", info, record.table(HEADER, rows), NOTES, quick)
    record.write(out, text, info, HEADER, rows)


if __name__ == "__main__":
    if sys.platform != "linux":
        sys.exit("this benchmark reads /proc: run it on Linux")
    main()
