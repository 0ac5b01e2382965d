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

import argparse
import contextlib
import datetime as dt
import io
import multiprocessing
import os
import platform
import sys
import threading
import time
from pathlib import Path

import psutil

from chapter3.concepts import gil, start_cost
from chapter3.thread_creation import (
    cpu_bound,
    creation_cost,
    fetch_pages,
    gil_status,
    gil_threads,
    ready_together,
)

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "benchmarks" / "threads-vs-processes.md"  # the record: full runs only
QUICK_OUT = ROOT / ".book" / "benchmarks" / "threads-vs-processes.md"

HEADER = ("情形 case", "方式 how", "时间 time", "加速比 speed-up", "占用 CPU CPUs busy")


def machine() -> dict[str, str]:
    """What the figures depend on: CPU, usable cores, Python, GIL, other programs, date."""
    model = platform.processor() or "?"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            model = next(ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name"))
    except (OSError, StopIteration):
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    # Measured, not the load average: that lags a minute behind (a test run just before
    # would count as load).
    busy = sum(psutil.cpu_percent(interval=1.0, percpu=True))
    gil = "GIL" if gil_status.gil_enabled() else "free-threaded, no GIL"
    return {
        "machine": f"{model}, {usable}/{os.cpu_count()} CPUs usable, {platform.system()} "
        f"{platform.release()}",
        "python": f"{platform.python_implementation()} {platform.python_version()} ({gil})",
        "busy": f"{busy:.0f}",
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:.1f} ms" if seconds < 1 else f"{seconds:.3f} s"


def quiet(main, *args, **kwargs):
    """A listing's ``main``, its printed lines kept out of the table."""
    with contextlib.redirect_stdout(io.StringIO()):
        return main(*args, **kwargs)


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
        (case, "in turn, main thread", _ms(seq), "1.00", f"{busy(alone):.2f}"),
        (case, "2 threads", _ms(wall(threads)), f"{seq / wall(threads):.2f}",
         f"{busy(threads):.2f}"),
    ]  # fmt: skip
    for method, rs in runs.items():
        procs = fastest(rs, "processes")
        rows.append(
            (case, f"2 processes ({method})", _ms(wall(procs)),
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
        (case, "in turn, main thread", _ms(in_turn), "1.00", ""),
        (case, "2 threads (GIL released)", _ms(wall(threads)),
         f"{in_turn / wall(threads):.2f}", f"{busy(threads):.2f}"),
    ]  # fmt: skip
    data = os.urandom(1 << 20) * hashed
    hashing = [quiet(gil.two_ways, eight_digests, data) for _ in range(repeat)]
    seq = min(wall(r["in_turn"]) for r in hashing)
    threads = fastest(hashing, "threads")
    cores = sum(w["cpu_s"] for w in threads) / wall(threads)
    case = f"hashlib.sha256, 2 × 8 × {hashed} MB"
    rows.append((case, "in turn, main thread", _ms(seq), "1.00", ""))
    rows.append(
        (case, "2 threads (GIL released)", _ms(wall(threads)), f"{seq / wall(threads):.2f}",
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
            (case, "one by one", _ms(seq), "1.00", ""),
            (case, f"{pages} threads", _ms(threaded), f"{seq / threaded:.2f}", ""),
        ]
        for method in multiprocessing.get_all_start_methods():
            ctx = multiprocessing.get_context(method)
            took = min(_fetch_in_processes(ctx, urls) for _ in range(repeat))
            rows.append(
                (case, f"pool of {pages} processes ({method}), incl. start", _ms(took),
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


def table(rows: list[tuple]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def busy_warning(info: dict[str, str]) -> str:
    """A warning when the machine was busy: other programs then hold the speed-ups down."""
    from book.cpu_slot import QUIET  # here, not at the top: spawned workers import this file

    busy = float(info["busy"])
    if not busy > QUIET:
        return ""
    return (
        f'!!! warning "测量时机器繁忙 · the machine was busy"\n'
        f"    开始测量前，其他程序占用了相当于 {busy:.0f}% 个 CPU：计算类的加速比会被压低，"
        "“占用 CPU”一栏显示了各方式实际得到的 CPU。内核状态的采样不受影响。\n\n"
        f"    Just before the measurements, other programs used {busy:.0f}% of one CPU: the "
        "computing speed-ups are held down; the CPUs-busy column shows what each way really "
        "got. The kernel-state samples are not affected.\n\n"
    )


def markdown(info: dict[str, str], rows: list[tuple], notes: str, quick: bool = False) -> str:
    by = "uv run python -m benchmarks.threads_vs_processes"
    head = (
        f"<!-- written by `{by} --quick`: small sizes, a check that it runs, not the record -->"
        if quick
        else f"<!-- written by `{by}`: do not edit -->"
    )
    return (
        f"{head}\n\n"
        f"**机器 machine:** {info['machine']} · **Python:** {info['python']} · "
        f"**日期 date:** {info['date']} · **开始前其他程序的 CPU 占用 other programs' CPU "
        f"use before:** {info['busy']}%\n\n"
        f"{busy_warning(info)}{table(rows)}\n\n{notes}\n"
    )


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
    parser = argparse.ArgumentParser(prog="python -m benchmarks.threads_vs_processes")
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"small sizes: check it runs (writes {QUICK_OUT.relative_to(ROOT)}, not the record)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        help=f"Markdown file to write (default: the record, {OUT.relative_to(ROOT)})",
    )
    args = parser.parse_args(argv)
    quick = args.quick
    out = (args.out or (QUICK_OUT if quick else OUT)).resolve()
    if quick and out.is_relative_to(ROOT / "docs"):  # the pages cite what is there
        parser.error(f"--quick figures are not a record: write them outside docs/, not {out}")
    work, repeat = (300_000, 1) if quick else (5_000_000, 3)
    info = machine()
    rows = [
        *cpu_rows(work, repeat),
        *gil_rows(work, 1 if quick else 8, repeat, hashed=8 if quick else 64),
        *io_rows(8, 0.1, repeat),
        *cost_rows(8, 2 if quick else 5, singles=10 if quick else 25),
        *ready_rows(50 if quick else 500),
    ]
    print(f"{info['machine']}\n{info['python']} · {info['date']}")
    print(f"other programs' CPU use before: {info['busy']}% of one CPU\n")
    width = [max(len(str(r[i])) for r in [HEADER, *rows]) for i in range(len(HEADER))]
    for row in [HEADER, *rows]:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, width, strict=True)))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(markdown(info, rows, NOTES, quick), encoding="utf-8")
    print(f"\nwrote {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")


if __name__ == "__main__":
    if sys.platform != "linux":
        sys.exit("this benchmark reads /proc: run it on Linux")
    main()
