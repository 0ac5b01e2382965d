"""What every benchmark's record holds: the machine and the moment it was measured on,
a table, notes, and whether it is a quick check rather than the record itself.

A benchmark writes its record into ``docs/benchmarks/`` (the pages include it); with
``--quick`` it runs at small sizes, only to check that it still runs, and writes under
``.book/benchmarks/`` (ignored by git) or ``--out``, never into ``docs/``.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import json
import os
import platform
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
RECORDS = ROOT / "docs" / "benchmarks"
QUICK_RECORDS = ROOT / ".book" / "benchmarks"


def machine() -> dict[str, str]:
    """What the figures depend on: CPU, usable cores, Python, GIL, other programs, date."""
    from chapter3.thread_creation import gil_status  # not at the top: workers import this

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


def quiet(main, *args, **kwargs):
    """A listing's ``main``, its printed lines kept out of the table."""
    with contextlib.redirect_stdout(io.StringIO()):
        return main(*args, **kwargs)


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:.1f} ms" if seconds < 1 else f"{seconds:.3f} s"


def table(header: tuple[str, ...], rows: list[tuple]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def busy_warning(info: dict[str, str]) -> str:
    """A warning when the machine was busy: other programs then hold the figures down."""
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


def markdown(name: str, info: dict[str, str], table_text: str, notes: str, quick: bool) -> str:
    """The record of ``benchmarks.<name>``: its header line says who wrote it, and how."""
    by = f"uv run python -m benchmarks.{name}"
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
        f"{busy_warning(info)}{table_text}\n\n{notes}\n"
    )


def arguments(name: str, record: str, argv: list[str] | None) -> tuple[bool, Path]:
    """``--quick`` and ``--out`` of ``benchmarks.<name>``, whose record is ``record``:
    whether to run quick, and the file to write (quick figures never go into docs/)."""
    out, quick_out = RECORDS / record, QUICK_RECORDS / record
    parser = argparse.ArgumentParser(prog=f"python -m benchmarks.{name}")
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"small sizes: check it runs (writes {quick_out.relative_to(ROOT)}, not the record)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        help=f"Markdown file to write (default: the record, {out.relative_to(ROOT)})",
    )
    args = parser.parse_args(argv)
    path = (args.out or (quick_out if args.quick else out)).resolve()
    if args.quick and path.is_relative_to(ROOT / "docs"):  # the pages cite what is there
        parser.error(f"--quick figures are not a record: write them outside docs/, not {path}")
    return args.quick, path


def write(
    path: Path, text: str, info: dict[str, str], header: tuple, rows: list, data=None
) -> None:
    """Print the table and write the record: the Markdown the pages include, and beside
    it the same as JSON (the machine, the table, and ``data``: the figures' numbers),
    from which the pages draw their plots (``benchmarks.figures``)."""
    print(f"{info['machine']}\n{info['python']} · {info['date']}")
    print(f"other programs' CPU use before: {info['busy']}% of one CPU\n")
    width = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, width, strict=True)))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    quick = "--quick" in text.splitlines()[0]  # the record's header line says so
    saved = {"machine": info, "quick": quick, "header": list(header),
             "rows": [[str(c) for c in r] for r in rows], "data": data}  # fmt: skip
    path.with_suffix(".json").write_text(
        json.dumps(saved, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    print(f"\nwrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
