"""Where the suite's time goes: the cost model of ``uv run pytest``, measured.

``uv run python -m benchmarks.suite_cost [pytest args]`` first measures the unit costs
(one process started and joined, per start method: from a bare interpreter, and observed
by the kit as the claim tests do), then runs the suite as the README does (in parallel),
with ``benchmarks.suite_probe`` counting for every test its time, the processes it
started by start method, the fresh interpreters it launched and the seconds it slept on
purpose. It prints the model and writes ``docs/benchmarks/suite-cost.md`` (``--label``
names the result, e.g. ``before``; results of other labels in that file are kept).
Run it on a quiet machine: the suite is what it measures.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import multiprocessing
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "benchmarks" / "suite-cost.md"
METHODS = multiprocessing.get_all_start_methods()
UNIT = """
import multiprocessing, os, sys, time
{setup}
ctx = multiprocessing.get_context(sys.argv[1])
{start}
t = time.perf_counter()
for _ in range(10):
    {one}
print((time.perf_counter() - t) / 10)
"""
BARE = ("", "", "p = ctx.Process(target=os.getpid); p.start(); p.join()")
OBSERVED = (
    "from chapter3.kit import samples\nfrom chapter3.kit.listing import observe",
    "observe(samples.chatter, sys.argv[1], workers=1, lines=0)  # the fork server, started",
    "observe(samples.chatter, sys.argv[1], workers=1, lines=0)",
)


def unit_cost(method: str, setup: str, start: str, one: str) -> float:
    """Seconds to start and join one process under ``method``, the mean of ten."""
    code = UNIT.format(setup=setup, start=start, one=one)
    done = subprocess.run([sys.executable, "-c", code, method], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, check=True)  # fmt: skip
    return float(done.stdout.split()[-1])


def interpreter_cost(imports: str) -> float:
    """Seconds to start a fresh interpreter that runs ``imports`` and exits, the mean of ten."""
    t = time.perf_counter()
    for _ in range(10):
        subprocess.run([sys.executable, "-c", imports], cwd=ROOT, check=True, timeout=120)
    return (time.perf_counter() - t) / 10


def run_suite(args: list[str], probe: Path) -> float:
    """Wall seconds of ``pytest args`` with the probe; the run's own output passes through."""
    env = {**os.environ, "BOOK_PROBE": str(probe)}
    t = time.monotonic()
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "benchmarks.suite_probe", *args],
                   cwd=ROOT, env=env, timeout=3600, check=False)  # fmt: skip
    return time.monotonic() - t


def area(test: str) -> str:
    """Which part of the book a test checks."""
    if test.startswith("chapter3/kit/"):
        return "the kit's own tests"
    if test.startswith("chapter3/"):
        return "claim tests"
    if test.startswith("tests/test_listings.py::test_a_listing_runs"):
        return "every listing run at quick settings"
    if test.startswith(("tests/test_site", "tests/test_browser")):
        return "the built site and the browser"
    return "the book's other checks"


def method_of(test: str) -> str:
    m = re.search(r"[\[-](forkserver|fork|spawn)[\]-]", test)
    return m.group(1) if m else "—"


def model(lines: list[dict], sleeps: dict[str, float], wall: float) -> dict:
    """The figures of one run."""
    out: dict = {"wall": wall, "tests": len(lines), "workers": 0}
    spent = collections.defaultdict(lambda: collections.Counter())
    by_worker: collections.Counter = collections.Counter()
    for line in lines:
        d = line["t1"] - line["t0"]
        by_worker[line["worker"]] += d
        for key in (("area", area(line["test"])), ("method", method_of(line["test"]))):
            spent[key]["tests"] += 1
            spent[key]["seconds"] += d
            spent[key]["sleep"] += sleeps.get(line["test"], 0.0)
        if line["exclusive"]:
            spent[("exclusive", "yes")]["tests"] += 1
            spent[("exclusive", "yes")]["seconds"] += d
        for k, v in line.items():
            if k.startswith("start:") or k == "interpreters":
                spent[("count", k)]["n"] += v
    out["workers"] = len(by_worker)
    out["busy"] = sum(by_worker.values())
    out["longest worker"] = max(by_worker.values(), default=0.0)
    out["groups"] = {f"{a}: {b}": dict(c) for (a, b), c in sorted(spent.items())}
    out["sleep"] = sum(sleeps.values())
    return out


def collect(probe: Path) -> tuple[list[dict], dict[str, float]]:
    lines = []
    for f in sorted(probe.glob("*.jsonl")):
        for row in f.read_text(encoding="utf-8").splitlines():
            lines.append({**json.loads(row), "worker": f.stem})
    sleeps: collections.Counter = collections.Counter()
    if (probe / "sleeps").exists():
        for row in (probe / "sleeps").read_text(encoding="utf-8").splitlines():
            test, _, seconds = row.rpartition("\t")
            sleeps[test] += float(seconds)
    return lines, dict(sleeps)


def table(label: str, units: dict, interpreters: dict, m: dict) -> str:
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    rows = [
        f"## {label}",
        "",
        f"{when} · {platform.python_implementation()} {platform.python_version()} · "
        f"{os.cpu_count()} CPUs · {m['tests']} tests on {m['workers']} workers",
        "",
        "| 量 measure | 值 value |",
        "|---|---|",
        f"| 墙钟时间 wall time | {m['wall']:.1f} s |",
        f"| 各测试时间之和 sum of the tests' times | {m['busy']:.1f} s |",
        f"| 最忙的 worker busiest worker | {m['longest worker']:.1f} s |",
        f"| 有意的休眠 sleeping on purpose (≥ 10 ms, test processes and fork children) "
        f"| {m['sleep']:.1f} s |",
    ]
    for method in METHODS:
        bare, observed = units[method]
        rows.append(
            f"| 启动并 join 一个进程 one process started and joined, {method} "
            f"| {bare * 1000:.0f} ms bare · {observed * 1000:.0f} ms observed by the kit |"
        )
    for what, seconds in interpreters.items():
        rows.append(f"| 一个新解释器 a fresh interpreter, {what} | {seconds * 1000:.0f} ms |")
    for name, c in m["groups"].items():
        kind, _, what = name.partition(": ")
        if kind == "count":
            rows.append(f"| {what} | {c['n']} |")
        else:
            sleep = f" · sleeping {c['sleep']:.1f} s" if c.get("sleep") else ""
            rows.append(f"| {kind}: {what} | {c['tests']} tests · {c['seconds']:.1f} s{sleep} |")
    return "\n".join(rows) + "\n"


def save(label: str, text: str) -> None:
    """Keep the results of other labels; replace this label's."""
    head = "# 测试套件的时间花在哪里 · Where the suite's time goes\n\n"
    kept = OUT.read_text(encoding="utf-8").removeprefix(head) if OUT.exists() else ""
    parts = [p for p in re.split(r"(?m)^(?=## )", kept) if p.strip()]
    parts = [p for p in parts if not p.startswith(f"## {label}\n")] + [text]
    OUT.write_text(head + "\n".join(parts), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.suite_cost", description=__doc__)
    parser.add_argument("--label", default="now", help="the name of this result")
    args, pytest_args = parser.parse_known_args(argv)
    units = {m: (unit_cost(m, *BARE), unit_cost(m, *OBSERVED)) for m in METHODS}
    interpreters = {
        "bare (`python -c pass`)": interpreter_cost("pass"),
        "importing the kit's runner (`chapter3.kit.run`)": interpreter_cost(
            "import chapter3.kit.run"
        ),
    }
    with tempfile.TemporaryDirectory(prefix="suite-cost-") as probe:
        wall = run_suite(pytest_args, Path(probe))
        lines, sleeps = collect(Path(probe))
    text = table(args.label, units, interpreters, model(lines, sleeps, wall))
    print(text)
    save(args.label, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
